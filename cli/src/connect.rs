//! Building the client from the connection options, and logging in.

use std::io::{BufRead, IsTerminal};

use vb365::{Client, ClientBuilder, Credentials, Secret};

use crate::args::{Connection, ServerArgs};
use crate::failure::Failure;

/// A client for the server of `connection` whose streams ask for
/// `page_size` items a request, logged in.
pub async fn connect(connection: &Connection, page_size: Option<u32>) -> Result<Client, Failure> {
    let (client, credentials) = prepare(connection, page_size)?;
    client.login(credentials).await?;
    Ok(client)
}

/// A client for the server of `connection` and the credentials to log in
/// with, not yet used: a caller that reports the login's failure in its
/// own words logs in itself.
pub fn prepare(connection: &Connection, page_size: Option<u32>) -> Result<(Client, Credentials), Failure> {
    let user =
        connection.server.user.as_deref().ok_or_else(|| Failure::usage("no account: give --user or set VB365_USER"))?;
    let client = builder(connection, page_size)?.build()?;
    let password = password(&connection.server, user, client.base_url())?;
    Ok((client, Credentials::password(user, password)))
}

/// A builder for the server of `connection`, with its certificates,
/// versions, timeout and page size.
pub fn builder(connection: &Connection, page_size: Option<u32>) -> Result<ClientBuilder, Failure> {
    let server = &connection.server;
    let url = server.url.as_deref().ok_or_else(|| Failure::usage("no server: give --url or set VB365_URL"))?;
    let mut builder = Client::builder(url).danger_accept_invalid_certs(server.insecure);
    if let Some(file) = &server.ca_cert {
        let pem = std::fs::read(file).map_err(|e| Failure::usage(format!("--ca-cert {}: {e}", file.display())))?;
        builder = builder.add_root_certificate(pem);
    }
    if let Some(versions) = &server.api_version {
        builder = builder.api_versions(versions.iter().copied());
    }
    if let Some(timeout) = connection.timeout {
        builder = builder.request_timeout(timeout);
    }
    if let Some(page_size) = page_size {
        builder = builder.page_size(page_size);
    }
    Ok(builder)
}

/// The password: from standard input or a file when asked, else
/// `VB365_PASSWORD`, else a prompt without echo when a terminal is
/// attached. Never an argument.
pub fn password(server: &ServerArgs, user: &str, url: &str) -> Result<Secret, Failure> {
    if let Some(file) = &server.password_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Failure::usage(format!("--password-file {}: {e}", file.display())))?;
        let password = text.lines().next().unwrap_or_default().trim_end_matches('\r');
        if password.is_empty() {
            return Err(Failure::usage(format!("--password-file {}: holds no password", file.display())));
        }
        return Ok(Secret::from(password));
    }
    if server.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| Failure::usage(format!("--password-stdin: {e}")))?;
        let password = line.trim_end_matches(['\r', '\n']);
        if password.is_empty() {
            return Err(Failure::usage("--password-stdin: standard input holds no password"));
        }
        return Ok(Secret::from(password));
    }
    if let Ok(password) = std::env::var("VB365_PASSWORD") {
        return Ok(Secret::from(password));
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let password = rpassword::prompt_password(format!("password of {user} at {url}: "))
            .map_err(|e| Failure::usage(format!("cannot read the password: {e}")))?;
        return Ok(Secret::from(password));
    }
    Err(Failure::usage(
        "no password: set VB365_PASSWORD, pass --password-file or --password-stdin, or run in a terminal to be asked",
    ))
}
