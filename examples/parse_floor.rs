//! The floor for reading a case: how long the csv crate takes merely to parse every CSV
//! file of a folder, one after the other on one thread (no validation, no interning, no
//! allocation per row). `scripts/bench.sh` reports `reallot plan` as a multiple of it.
//! Usage: parse_floor DIR
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_floor DIR");
    let start = Instant::now();
    let mut rows = 0u64;
    let mut fields = 0u64;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("a folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    for p in paths {
        let mut r = csv::Reader::from_path(&p).expect("readable");
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec).expect("valid CSV") {
            rows += 1;
            fields += rec.len() as u64;
        }
    }
    println!(
        "{rows} rows ({fields} fields) parsed in {:?}",
        start.elapsed()
    );
}
