//! A throwaway PostgreSQL for tests: `initdb` and `pg_ctl` in a temporary folder, listening on
//! a free port of 127.0.0.1 only, stopped and deleted when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The superuser the cluster is made with; trusted on 127.0.0.1, so the URL needs no password.
const USER: &str = "handoff";
/// PostgreSQL refuses to run as root; under root the binaries run as this user, which the
/// Debian package creates.
const UNPRIVILEGED_USER: &str = "postgres";

/// A PostgreSQL server of a test's own: the test can restart it and leave tables behind without
/// touching a real database or another test.
pub struct TestCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<&'static str>,
}

impl TestCluster {
    /// A new cluster, or `None` (having printed why) when the PostgreSQL server binaries are
    /// not installed. Under CI (`CI` set) a missing PostgreSQL fails the test instead: CI
    /// installs it (scripts/setup.sh), so a skip there would hide a broken setup.
    pub fn start() -> Option<Self> {
        let Some(bin) = server_binaries() else {
            let message = "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin, \
                           $HANDOFF_PG_BIN or PATH; install them with scripts/setup.sh";
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("SKIPPED: {message}");
            return None;
        };
        let run_as = is_root().then_some(UNPRIVILEGED_USER);
        let dir = tempfile::Builder::new().prefix("handoff-pg-").tempdir().expect("a temporary folder");
        if let Some(user) = run_as {
            run(Command::new("chown").arg(format!("{user}:")).arg(dir.path()), "chown the cluster folder");
        }
        let mut cluster = Self { dir, bin, port: 0, run_as };
        cluster.command(
            "initdb",
            &["-D", &cluster.data(), "-U", USER, "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"],
        );
        // A port found free can be taken before the server binds it: then try another.
        for _ in 0..5 {
            cluster.port = free_port();
            if cluster.try_start() {
                return Some(cluster);
            }
        }
        panic!("the test PostgreSQL did not start:\n{}", cluster.log());
    }

    /// `postgres://handoff@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server (disconnecting every client), waits `downtime`, starts it again.
    pub fn restart(&self, downtime: Duration) {
        self.command("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
        std::thread::sleep(downtime);
        assert!(self.try_start(), "the test PostgreSQL did not start again:\n{}", self.log());
    }

    fn try_start(&self) -> bool {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        let output =
            self.output("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-t", "60", "-o", &options, "start"]);
        output.status.success()
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn output(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        // The postgres user cannot enter root's current folder.
        command.args(args).current_dir(self.dir.path());
        command.output().unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()))
    }

    fn command(&self, program: &str, args: &[&str]) {
        let output = self.output(program, args);
        assert!(
            output.status.success(),
            "{program} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        // Immediate: nothing in a throwaway cluster needs a clean shutdown.
        let _ = self.output("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }
}

/// Where `initdb` and `pg_ctl` are: $HANDOFF_PG_BIN, Debian's newest version, or PATH.
fn server_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("HANDOFF_PG_BIN").map(PathBuf::from) {
        return has_both(&dir).then_some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_both(bin))
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|path| std::env::split_paths(&path).find(|dir| has_both(dir)))
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("`id -u` runs");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("a bound address").port()
}

fn run(command: &mut Command, what: &str) {
    let status = command.status().unwrap_or_else(|error| panic!("cannot {what}: {error}"));
    assert!(status.success(), "cannot {what}: {status}");
}
