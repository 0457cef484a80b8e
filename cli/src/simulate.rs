//! `vb365 simulate`: the embedded simulator as a standalone server.

use std::io::Write;
use std::time::Duration;

use serde_json::json;
use vb365::simulator::{Fault, Simulator, SimulatorConfig};

use crate::args::{Simulate, SimulateFormat};
use crate::failure::Failure;

/// Starts the simulator, prints where it listens and how to log in, and
/// serves until Ctrl-C or SIGTERM.
pub async fn run(options: Simulate) -> Result<(), Failure> {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let table = options.output.map_or(terminal, |format| format == SimulateFormat::Table);
    let faults = options.fault.iter().map(|f| fault(f)).collect::<Result<Vec<_>, _>>()?;
    let mut config = SimulatorConfig::default();
    config.port = options.port;
    config.versions = options.versions;
    config.frozen_time = options.frozen_time;
    config.job_item_count = options.job_items;
    config.mailbox_count = options.mailboxes;
    config.max_page_size = options.max_page_size;
    config.job_duration = options.job_duration;
    let (username, password) = (config.username.clone(), config.password.expose().to_owned());
    let (client_id, assertion) = (config.client_id.clone(), config.assertion.expose().to_owned());
    let simulator = Simulator::start_with(config).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            Failure::usage(format!("the simulator cannot start: {e}"))
        } else {
            Failure::local("the simulator cannot start", e)
        }
    })?;
    for fault in faults {
        simulator.inject(fault);
    }
    // Listen before saying where it listens: a script may stop it at once.
    let stop = crate::signals::Stop::listen()?;
    let versions: Vec<String> = simulator.versions().iter().map(ToString::to_string).collect();
    let text = if table {
        format!(
            "vb365 simulator listening on {}\n  API versions:     {}\n  user / password:  {username} / {password}\n  \
             client / assertion (jwt-bearer): {client_id} / {assertion}\n  organization:     {}\n  \
             job:              {}\nCtrl-C stops it.\n",
            simulator.url(),
            versions.join(", "),
            simulator.organization_id(),
            simulator.job_id(),
        )
    } else {
        // One line, so that a script can read it and go on.
        let about = json!({
            "url": simulator.url(),
            "versions": versions,
            "user": username,
            "password": password,
            "client_id": client_id,
            "assertion": assertion,
            "organization_id": simulator.organization_id(),
            "job_id": simulator.job_id(),
        });
        format!("{about}\n")
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Failure::output)?;
    drop(out);
    stop.wait().await;
    drop(simulator);
    Ok(())
}

/// `KIND[:ARG][@OPERATION][*TIMES]`: `503`, `429:5` (Retry-After 5),
/// `drop`, `malformed`, `stall`, `delay:250` (milliseconds).
fn fault(text: &str) -> Result<Fault, Failure> {
    let bad = |why: &str| Failure::usage(format!("--fault {text}: {why}"));
    let (rest, times) = match text.rsplit_once('*') {
        Some((rest, n)) => (rest, n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| bad("*N needs a count"))?),
        None => (text, 1),
    };
    let (rest, operation) = match rest.split_once('@') {
        Some((rest, op)) if !op.is_empty() => (rest, Some(op)),
        Some(_) => return Err(bad("@ needs an operationId")),
        None => (rest, None),
    };
    let (kind, argument) = rest.split_once(':').map_or((rest, None), |(k, a)| (k, Some(a)));
    let number = |a: Option<&str>, what: &str| {
        a.ok_or_else(|| bad(&format!("needs {what}")))
            .and_then(|a| a.parse::<u64>().map_err(|_| bad(&format!("{a} is not {what}"))))
    };
    let mut fault = match kind {
        "drop" => Fault::drop_connection(),
        "malformed" => Fault::malformed_body(),
        "stall" => Fault::stall(),
        "delay" => Fault::delay(Duration::from_millis(number(argument, "milliseconds")?)),
        status => {
            let status = status.parse::<u16>().ok().filter(|s| (100..600).contains(s)).ok_or_else(|| {
                bad("the kind is an HTTP status (503, 429:5), drop, malformed, stall or delay:MILLISECONDS")
            })?;
            let fault = Fault::status(status);
            match argument {
                Some(_) => fault.retry_after(number(argument, "a number of seconds to retry after")?),
                None => fault,
            }
        }
    };
    if let Some(operation) = operation {
        fault = fault.on(operation);
    }
    Ok(fault.times(times))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_kind_argument_operation_and_times() {
        assert_eq!(fault("503").unwrap(), Fault::status(503));
        assert_eq!(
            fault("429:5@list_organizations*2").unwrap(),
            Fault::status(429).retry_after(5).on("list_organizations").times(2)
        );
        assert_eq!(fault("drop@create_token").unwrap(), Fault::drop_connection().on("create_token"));
        assert_eq!(fault("delay:250").unwrap(), Fault::delay(Duration::from_millis(250)));
        for bad in ["teapot", "999", "delay", "delay:soon", "503*0", "503@", "429:x"] {
            assert!(fault(bad).is_err(), "{bad}");
        }
    }
}
