//! Out of file descriptors (EMFILE), the emulator's accept loop backs off instead of spinning,
//! and serves again as soon as connections close. The emulator binary runs as its own process
//! with a small descriptor limit (`ulimit -n`), so this test's own process is not limited.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The process's user + system CPU time, in clock ticks (`/proc/<pid>/stat` fields 14 and 15).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn ticks_per_second() -> u64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// One plain HTTP/1.1 request; the status line of the answer.
fn get_describe(addr: &str, token: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET /services/data/v62.0/sobjects/Task/describe HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status)?;
    Ok(status)
}

#[test]
fn out_of_descriptors_the_accept_loop_backs_off_and_recovers() {
    let mut child = Command::new("sh")
        .args(["-c", r#"ulimit -n 64 && exec "$0" --port 0 --latency-ms 0"#])
        .arg(env!("CARGO_BIN_EXE_sforce-emulator"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = stdout
        .by_ref()
        .map(Result::unwrap)
        .find_map(|l| l.strip_prefix("SF_INSTANCE_URL=").map(str::to_owned))
        .expect("url printed");
    let token = stdout
        .next()
        .unwrap()
        .unwrap()
        .strip_prefix("SF_ACCESS_TOKEN=")
        .expect("token printed")
        .to_owned();
    let mut stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).ok();
        text
    });
    let addr = url.strip_prefix("http://").unwrap().to_owned();

    // More idle connections than the emulator has descriptors: it accepts until EMFILE.
    let held: Vec<TcpStream> = (0..120)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let hz = ticks_per_second();
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(pid) - before;
    // A loop retrying accept at once burns a whole core (about `hz` ticks a second); backing
    // off every 50 ms costs almost nothing.
    assert!(
        used < hz / 4,
        "the emulator used {used} of {hz} ticks in one second while out of descriptors"
    );

    // Connections close: the emulator serves again.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        let status = get_describe(&addr, &token).unwrap_or_default();
        if status.starts_with("HTTP/1.1 200") || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    child.kill().ok();
    child.wait().ok();
    let log = log.join().unwrap();
    assert!(
        log.contains("accept failed"),
        "the emulator never ran out of descriptors (the test did not test): {log}"
    );
    assert!(
        status.starts_with("HTTP/1.1 200"),
        "the emulator did not recover ({status:?}); log:\n{log}"
    );
}
