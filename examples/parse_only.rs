//! The floor for reading a case: how long the csv crate takes merely to parse every CSV
//! file of a folder (no validation, no interning). Usage: parse_only DIR
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_only DIR");
    let start = Instant::now();
    let mut rows = 0u64;
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
        }
    }
    println!("{rows} rows parsed in {:?}", start.elapsed());
}
