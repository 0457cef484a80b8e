//! `vb365 check` run by the monitoring engines it is written for, with the
//! definitions the project ships: Nagios 4 (Debian's `nagios4-core`) with
//! `deploy/nagios/vb365.cfg`, and Icinga 2 (Debian's `icinga2-bin`) with
//! `deploy/icinga2/vb365.conf`. Each engine runs the check against a
//! simulator (whose failed job has a name with a `|` in it) and against a
//! server that cannot be reached, and what the engine recorded (state,
//! output, performance data) is read back.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::exporter::TempDir;
use vb365::ApiVersion;
use vb365::simulator::{Simulator, SimulatorConfig};

const NAGIOS_COMMAND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nagios/vb365.cfg");
const ICINGA_COMMAND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/icinga2/vb365.conf");
const FAILED_JOB: &str = "1c4e7a2b-3d5f-4a6c-8e9b-0d1f2a3b4c5d";

/// The seeded simulator, its failed job named so that a careless plugin
/// would cut its output at the `|`.
async fn simulator() -> Simulator {
    let mut config = SimulatorConfig::default();
    config.versions = vec![ApiVersion::V8];
    let sim = Simulator::start_with(config).await.unwrap();
    sim.update_job(FAILED_JOB.parse().unwrap(), |j| j.name = Some(String::from("SP | nightly")));
    sim
}

fn gone() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// A shipped definition, with the plugin at the binary under test.
fn shipped(path: &str) -> String {
    std::fs::read_to_string(path).unwrap().replace("/usr/local/bin/vb365", env!("CARGO_BIN_EXE_vb365"))
}

/// Kills a daemon when the test ends, however it ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (at most a minute) until `read` finds what it looks for.
async fn wait<T>(mut read: impl FnMut() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Some(found) = read() {
            return Some(found);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

/// The expected records: the seeded server CRITICAL with its findings and
/// every item of performance data, the gone one UNKNOWN with the fact.
fn assert_recorded(
    engine: &str,
    seeded: &(String, String, String),
    unreachable: &(String, String, String),
    gone: &str,
) {
    let (state, output, perfdata) = seeded;
    assert_eq!(state, "CRITICAL", "{engine}: {seeded:?}");
    assert!(
        output.starts_with("VB365 CRITICAL - job SP / nightly failed, repository Repo 1 has 4% free"),
        "{engine} cut the output at a | it should not have seen: {output}"
    );
    assert!(output.contains("CRITICAL: job SP / nightly failed"), "{engine}: the long output: {output}");
    for item in ["'jobs failed'=1;;;0", "'repository Repo 1 free'=4%;20:;10:;0;100", "'proxies offline'=1;;;0;2"] {
        assert!(perfdata.contains(item), "{engine}: {item} not in the performance data: {perfdata}");
    }
    assert!(!perfdata.contains("nightly"), "{engine}: the job's name leaked into the performance data: {perfdata}");
    let (state, output, perfdata) = unreachable;
    assert_eq!(state, "UNKNOWN", "{engine}: {unreachable:?}");
    assert!(output.starts_with(&format!("VB365 UNKNOWN - cannot connect to {gone}: ")), "{engine}: {output}");
    assert!(perfdata.is_empty(), "{engine}: {perfdata}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nagios_records_the_state_output_and_performance_data() {
    let Some(nagios) = common::tool("nagios4", "nagios4-core") else { return };
    let sim = simulator().await;
    let gone = gone();
    let dir = TempDir::new("nagios");
    let d = dir.0.display().to_string();
    std::fs::create_dir_all(dir.0.join("checkresults")).unwrap();
    std::fs::write(dir.0.join("password"), "simulated-password\n").unwrap();
    std::fs::write(dir.0.join("vb365.cfg"), shipped(NAGIOS_COMMAND)).unwrap();
    let main = format!(
        "log_file={d}/nagios.log\ncfg_file={d}/vb365.cfg\ncfg_file={d}/objects.cfg\n\
         object_cache_file={d}/objects.cache\nprecached_object_file={d}/objects.precache\n\
         resource_file={d}/resource.cfg\nstatus_file={d}/status.dat\nstatus_update_interval=1\n\
         nagios_user=root\nnagios_group=root\ncheck_external_commands=0\ncommand_file={d}/nagios.cmd\n\
         lock_file={d}/nagios.lock\ntemp_file={d}/nagios.tmp\ntemp_path={d}\ncheck_result_path={d}/checkresults\n\
         check_result_reaper_frequency=1\ninterval_length=1\nservice_inter_check_delay_method=n\n\
         use_syslog=0\nenable_notifications=0\nservice_check_timeout=60\nretain_state_information=0\n\
         state_retention_file={d}/retention.dat\nquery_socket={d}/nagios.qh\nillegal_macro_output_chars=`~$&|\"<>\n"
    );
    std::fs::write(dir.0.join("nagios.cfg"), main).unwrap();
    std::fs::write(dir.0.join("resource.cfg"), "$USER1$=/usr/lib/nagios/plugins\n").unwrap();
    let days: String = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        .map(|d| format!("  {d} 00:00-24:00\n"))
        .concat();
    let service = |name: &str, url: &str| {
        format!(
            "define service {{\n  host_name vbo\n  service_description {name}\n  \
             check_command check_vb365!{url}!administrator!{d}/password!--max-age 26h\n  \
             max_check_attempts 1\n  check_interval 30\n  retry_interval 30\n  check_period always\n  \
             notification_period always\n  contacts nobody\n}}\n"
        )
    };
    let objects = format!(
        "define timeperiod {{\n  timeperiod_name always\n  alias always\n{days}}}\n\
         define command {{\n  command_name notify_nobody\n  command_line /bin/true\n}}\n\
         define contact {{\n  contact_name nobody\n  host_notifications_enabled 0\n  service_notifications_enabled 0\n  \
         host_notification_period always\n  service_notification_period always\n  host_notification_options n\n  \
         service_notification_options n\n  host_notification_commands notify_nobody\n  service_notification_commands notify_nobody\n}}\n\
         define host {{\n  host_name vbo\n  address 127.0.0.1\n  max_check_attempts 1\n  check_period always\n  \
         notification_period always\n  contacts nobody\n}}\n{}{}",
        service("seeded", sim.url()),
        service("gone", &gone)
    );
    std::fs::write(dir.0.join("objects.cfg"), objects).unwrap();
    let verify = Command::new(&nagios).arg("-v").arg(dir.0.join("nagios.cfg")).output().unwrap();
    let verified = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success() && verified.contains("Total Errors:   0"), "nagios4 -v:\n{verified}");
    assert!(verified.contains("Total Warnings: 0"), "the shipped command draws no warning:\n{verified}");
    let _daemon = Daemon(
        Command::new(&nagios)
            .arg(dir.0.join("nagios.cfg"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let status = dir.0.join("status.dat");
    let recorded = wait(|| {
        let text = std::fs::read_to_string(&status).ok()?;
        Some((nagios_service(&text, "seeded")?, nagios_service(&text, "gone")?))
    })
    .await;
    let log = std::fs::read_to_string(dir.0.join("nagios.log")).unwrap_or_default();
    let Some((seeded, unreachable)) = recorded else { panic!("Nagios recorded no check:\n{log}") };
    assert_recorded("Nagios", &seeded, &unreachable, &gone);
}

/// A service's state, plugin output (with the long output after a
/// newline) and performance data in Nagios's status.dat, once checked.
fn nagios_service(status: &str, name: &str) -> Option<(String, String, String)> {
    let block = status
        .split("servicestatus {")
        .skip(1)
        .find(|b| b.lines().any(|l| l.trim() == format!("service_description={name}")))?;
    let field = |key: &str| {
        block.lines().find_map(|l| l.trim().strip_prefix(&format!("{key}="))).map(|v| v.replace("\\n", "\n"))
    };
    if field("has_been_checked")? != "1" {
        return None;
    }
    let state = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][field("current_state")?.parse::<usize>().ok()?];
    let long = field("long_plugin_output").unwrap_or_default();
    let output = if long.is_empty() { field("plugin_output")? } else { format!("{}\n{long}", field("plugin_output")?) };
    Some((state.to_owned(), output, field("performance_data").unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn icinga_records_the_state_output_and_performance_data() {
    let Some(icinga) = common::tool("icinga2", "icinga2-bin") else { return };
    let sim = simulator().await;
    let gone = gone();
    let dir = TempDir::new("icinga");
    let d = dir.0.display().to_string();
    for sub in ["run/icinga2/cmd", "state", "cache", "log", "spool"] {
        std::fs::create_dir_all(dir.0.join(sub)).unwrap();
    }
    std::fs::write(dir.0.join("vb365.conf"), shipped(ICINGA_COMMAND)).unwrap();
    let service = |name: &str, url: &str| {
        format!(
            "object Service \"{name}\" {{\n  host_name = \"vbo\"\n  check_command = \"vb365\"\n  check_interval = 2s\n  \
             max_check_attempts = 1\n  vars.vb365_url = \"{url}\"\n  vars.vb365_user = \"administrator\"\n  \
             vars.vb365_password = \"simulated-password\"\n  vars.vb365_max_age = \"26h\"\n}}\n"
        )
    };
    // The perfdata writer records each result: the state, the output, and
    // the performance data as Icinga parsed it.
    let config = format!(
        "include <itl>\ninclude \"{d}/vb365.conf\"\nobject CheckerComponent \"checker\" {{ }}\n\
         object PerfdataWriter \"perfdata\" {{\n  service_temp_path = \"{d}/service-perfdata\"\n  \
         host_temp_path = \"{d}/host-perfdata\"\n  service_perfdata_path = \"{d}/service-perfdata.out\"\n  \
         host_perfdata_path = \"{d}/host-perfdata.out\"\n  \
         service_format_template = \"SERVICE::$service.name$\\tSTATE::$service.state$\\tPERFDATA::$service.perfdata$\\tOUTPUT::$service.output$\\tEND::\"\n  \
         rotation_interval = 1s\n}}\n\
         object Host \"vbo\" {{ check_command = \"dummy\" }}\n{}{}",
        service("seeded", sim.url()),
        service("gone", &gone)
    );
    std::fs::write(dir.0.join("icinga2.conf"), config).unwrap();
    let defines = [
        format!("InitRunDir={d}/run"),
        format!("StateDir={d}/state"),
        format!("CacheDir={d}/cache"),
        format!("LogDir={d}/log"),
        format!("SpoolDir={d}/spool"),
        format!("DataDir={d}/state"),
        format!("PidPath={d}/run/icinga2/icinga2.pid"),
        String::from("RunAsUser=root"),
        String::from("RunAsGroup=root"),
    ];
    let args = |command: &mut Command| {
        command.arg("daemon").arg("-c").arg(dir.0.join("icinga2.conf"));
        for define in &defines {
            command.arg("-D").arg(define);
        }
    };
    let mut validate = Command::new(&icinga);
    args(&mut validate);
    let validated = validate.arg("-C").output().unwrap();
    let text = String::from_utf8_lossy(&validated.stdout);
    assert!(validated.status.success() && !text.contains("warning/"), "icinga2 daemon -C:\n{text}");
    let mut run = Command::new(&icinga);
    args(&mut run);
    let log = std::fs::File::create(dir.0.join("icinga.log")).unwrap();
    let _daemon = Daemon(run.stdout(log).stderr(Stdio::null()).spawn().unwrap());
    let recorded = wait(|| {
        let text = icinga_perfdata(&dir.0);
        Some((icinga_service(&text, "seeded")?, icinga_service(&text, "gone")?))
    })
    .await;
    let Some((seeded, unreachable)) = recorded else {
        panic!("Icinga recorded no check:\n{}", std::fs::read_to_string(dir.0.join("icinga.log")).unwrap_or_default())
    };
    assert_recorded("Icinga 2", &seeded, &unreachable, &gone);
}

/// Everything the perfdata writer wrote so far, rotated files included.
fn icinga_perfdata(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with("service-perfdata") {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

fn icinga_service(text: &str, name: &str) -> Option<(String, String, String)> {
    let record = text.split("SERVICE::").find(|r| r.starts_with(&format!("{name}\t")))?;
    let field = |key: &str| {
        let start = record.find(&format!("{key}::"))? + key.len() + 2;
        let end = record[start..].find('\t')? + start;
        Some(record[start..end].to_owned())
    };
    Some((field("STATE")?, field("OUTPUT")?, field("PERFDATA")?))
}
