//! Big imports: the same answer whatever the thread count.

use assert_cmd::Command;
use pcsim::synth::{Options, scenario_toml, write_history};

#[test]
fn the_same_scenario_gives_byte_identical_json_with_one_thread_and_several() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(4_000, 36, 7);
    let rows = write_history(
        &options,
        std::fs::File::create(dir.path().join("tenants.csv")).unwrap(),
    )
    .unwrap();
    assert!(
        rows > 50_000,
        "big enough to be split into many pieces: {rows} rows"
    );
    std::fs::write(
        dir.path().join("plan.toml"),
        scenario_toml(&options, "tenants.csv"),
    )
    .unwrap();

    let run = |threads: &str, format: &str| {
        Command::cargo_bin("pcsim")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .arg("run")
            .arg(dir.path().join("plan.toml"))
            .args(["--format", format])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1", "json");
    assert!(one.len() > 5_000, "a full projection");
    for threads in ["2", "3", "8"] {
        assert_eq!(run(threads, "json"), one, "{threads} threads");
    }
    assert_eq!(run("1", "csv"), run("4", "csv"));
}

#[test]
fn the_generator_is_deterministic() {
    let mut a = Vec::new();
    let mut b = Vec::new();
    write_history(&Options::new(300, 24, 3), &mut a).unwrap();
    write_history(&Options::new(300, 24, 3), &mut b).unwrap();
    assert_eq!(a, b);
    let mut c = Vec::new();
    write_history(&Options::new(300, 24, 4), &mut c).unwrap();
    assert_ne!(a, c, "another seed, other data");
}
