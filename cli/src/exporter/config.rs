//! The exporter's configuration file: the servers `/probe?target=NAME`
//! reads. Errors name the file, the line and the key; a file with any
//! error keeps the exporter from starting.
//!
//! ```toml
//! [targets.contoso]
//! url = "https://vbo1.example.com"
//! user = "monitoring@contoso.com"
//! password_env = "VBO1_PASSWORD"       # or password_file = "/etc/vb365/vbo1.password"
//! ca_cert = "/etc/vb365/vbo1.pem"      # optional
//! api_versions = [8]                   # optional: what to use instead of asking the server
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use vb365::{ApiVersion, Secret};

/// One server of the file, checked and with its password read.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub url: String,
    pub user: String,
    pub password: Secret,
    pub ca_cert: Option<Vec<u8>>,
    pub insecure: bool,
    pub api_versions: Option<Vec<ApiVersion>>,
}

impl Target {
    /// Whether `other` says the same in every respect, its password too.
    pub fn same_as(&self, other: &Target) -> bool {
        (&self.name, &self.url, &self.user, &self.ca_cert, self.insecure, &self.api_versions)
            == (&other.name, &other.url, &other.user, &other.ca_cert, other.insecure, &other.api_versions)
            && self.password.expose() == other.password.expose()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    targets: BTreeMap<String, Spanned<TargetSection>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSection {
    url: Spanned<String>,
    user: Spanned<String>,
    password_env: Option<Spanned<String>>,
    password_file: Option<Spanned<PathBuf>>,
    /// Refused: the file must say where the password is, not hold it.
    password: Option<Spanned<toml::Value>>,
    ca_cert: Option<Spanned<PathBuf>>,
    #[serde(default)]
    insecure: bool,
    api_versions: Option<Spanned<Vec<u16>>>,
}

/// What is wrong with the file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads and checks `path`; `environment` gives the variables
/// `password_env` names.
pub fn load(path: &Path, environment: impl Fn(&str) -> Option<String>) -> Result<Vec<Target>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: cannot read the configuration: {e}", path.display())))?;
    parse(path, &text, environment)
}

/// Checks the text of a configuration file named `path`.
pub fn parse(
    path: &Path,
    text: &str,
    environment: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Target>, ConfigError> {
    let at = |span: std::ops::Range<usize>, key: &str, problem: &str| {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        ConfigError(format!("{}:{line}: {key}: {problem}", path.display()))
    };
    let file: File = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(text, span.start);
        at(span, &key, e.message())
    })?;
    if file.targets.is_empty() {
        return Err(ConfigError(format!("{}: names no targets (add a [targets.NAME] table)", path.display())));
    }
    let mut targets = Vec::new();
    for (name, section) in file.targets {
        let span = section.span();
        let section = section.into_inner();
        let key = |field: &str| format!("targets.{name}.{field}");
        if let Some(password) = &section.password {
            return Err(at(
                password.span(),
                &key("password"),
                "a password does not belong in the file; name where it is with password_env or password_file",
            ));
        }
        let password = match (&section.password_env, &section.password_file) {
            (Some(variable), None) => Secret::from(environment(variable.get_ref()).ok_or_else(|| {
                at(
                    variable.span(),
                    &key("password_env"),
                    &format!("the environment variable {} is not set", variable.get_ref()),
                )
            })?),
            (None, Some(file)) => {
                let read = std::fs::read_to_string(file.get_ref()).map_err(|e| {
                    at(file.span(), &key("password_file"), &format!("cannot read {}: {e}", file.get_ref().display()))
                })?;
                let password = read.trim_end_matches(['\r', '\n']);
                if password.is_empty() {
                    return Err(at(
                        file.span(),
                        &key("password_file"),
                        &format!("{} is empty", file.get_ref().display()),
                    ));
                }
                Secret::from(password)
            }
            (Some(_), Some(file)) => {
                return Err(at(file.span(), &key("password_file"), "give password_env or password_file, not both"));
            }
            (None, None) => return Err(at(span, &format!("targets.{name}"), "needs password_env or password_file")),
        };
        if let Err(e) = vb365::Client::builder(section.url.get_ref().as_str()).build() {
            return Err(at(section.url.span(), &key("url"), &e.to_string()));
        }
        if section.user.get_ref().trim().is_empty() {
            return Err(at(section.user.span(), &key("user"), "is empty"));
        }
        let ca_cert = match &section.ca_cert {
            Some(file) => Some(std::fs::read(file.get_ref()).map_err(|e| {
                at(file.span(), &key("ca_cert"), &format!("cannot read {}: {e}", file.get_ref().display()))
            })?),
            None => None,
        };
        let api_versions = match &section.api_versions {
            Some(list) if list.get_ref().is_empty() => {
                return Err(at(list.span(), &key("api_versions"), "names no version"));
            }
            Some(list) => {
                let versions: Vec<ApiVersion> = list.get_ref().iter().map(|n| ApiVersion::new(*n)).collect();
                if let Some(other) = versions.iter().find(|v| !v.is_supported()) {
                    let why = format!("{other} is not a version vb365 speaks ({})", ApiVersion::supported_list());
                    return Err(at(list.span(), &key("api_versions"), &why));
                }
                Some(versions)
            }
            None => None,
        };
        targets.push(Target {
            name,
            url: section.url.into_inner(),
            user: section.user.into_inner(),
            password,
            ca_cert,
            insecure: section.insecure,
            api_versions,
        });
    }
    Ok(targets)
}

/// The dotted key at byte `offset` of a TOML text: the table in effect
/// there and the key of its line (`targets.contoso.url`).
fn key_at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim();
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_owned());
    let own = line.split_once('=').map(|(k, _)| k.trim().to_owned()).filter(|k| !k.is_empty());
    match (table, own) {
        (Some(table), Some(key)) => format!("{table}.{key}"),
        (Some(table), None) => table,
        (None, Some(key)) => key,
        (None, None) => line.trim_matches(['[', ']']).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Vec<Target>, ConfigError> {
        let environment = |name: &str| (name == "VBO_PASSWORD").then(|| String::from("secret"));
        parse(Path::new("exporter.toml"), text, environment)
    }

    #[test]
    fn a_target_with_its_password_from_the_environment() {
        let targets = parse_text(
            "[targets.contoso]\nurl = \"https://vbo.example.com\"\nuser = \"admin\"\npassword_env = \"VBO_PASSWORD\"\napi_versions = [8]\n",
        )
        .unwrap();
        assert_eq!(targets.len(), 1);
        assert_eq!((targets[0].name.as_str(), targets[0].password.expose()), ("contoso", "secret"));
        assert_eq!(targets[0].api_versions, Some(vec![ApiVersion::V8]));
        assert!(!format!("{:?}", targets[0]).contains("secret"), "the password never prints");
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let cases = [
            (
                "[targets.a]\nurl = \"https://x\"\nuser = 5\npassword_env = \"VBO_PASSWORD\"\n",
                "exporter.toml:3: targets.a.user: invalid type",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\npasword_env = \"P\"\n",
                "exporter.toml:4: targets.a.pasword_env: unknown field `pasword_env`",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\npassword_env = \"MISSING\"\n",
                "exporter.toml:4: targets.a.password_env: the environment variable MISSING is not set",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\npassword = \"hunter2\"\n",
                "exporter.toml:4: targets.a.password: a password does not belong in the file",
            ),
            (
                "[targets.a]\nurl = \"ftp://x\"\nuser = \"u\"\npassword_env = \"VBO_PASSWORD\"\n",
                "exporter.toml:2: targets.a.url: ",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\n",
                "exporter.toml:1: targets.a: needs password_env or password_file",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\npassword_file = \"/no/such/file\"\n",
                "exporter.toml:4: targets.a.password_file: cannot read /no/such/file",
            ),
            (
                "[targets.a]\nurl = \"https://x\"\nuser = \"u\"\npassword_env = \"VBO_PASSWORD\"\napi_versions = [6, 7]\n",
                "exporter.toml:5: targets.a.api_versions: v7 is not a version vb365 speaks (1, 6, 8)",
            ),
            ("[targets.a\n", "exporter.toml:1: "),
            ("", "exporter.toml: names no targets"),
        ];
        for (text, expected) in cases {
            let error = parse_text(text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}\n  gave {error}\n  not {expected}");
            assert!(!error.contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn keys_are_found_by_table_and_line() {
        let text = "[targets.a]\nurl = 1\n\n[targets.b]\nuser = 2\n";
        assert_eq!(key_at(text, text.find("1").unwrap()), "targets.a.url");
        assert_eq!(key_at(text, text.find("2").unwrap()), "targets.b.user");
    }
}
