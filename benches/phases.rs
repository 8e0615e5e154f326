//! Phase-by-phase benchmark on seeded synthetic estates: read, build, solve, write.
//! `cargo bench` for timings; `cargo test --benches` runs each once as a smoke test.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use reallot::estate::load_case;
use reallot::model::{prepare, solve, ScenarioView, SolveOptions};
use reallot::scenario::Scenario;

/// splitmix64: a tiny seeded generator, so the estate is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// The size of a synthetic case.
#[derive(Clone, Copy)]
struct Size {
    vas: usize,
    lics: usize,
    density_pct: u64,
    /// Product instances (with a CMDB) instead of a usage table, when more than 0.
    instances: usize,
}

impl Size {
    fn label(self) -> String {
        match self.instances {
            0 => format!("{}x{}", self.vas, self.lics),
            n => format!("{}x{}+{}k_instances", self.vas, self.lics, n / 1000),
        }
    }
}

/// Writes a synthetic case (usage table or instances and a CMDB, pools, locks, PAK,
/// tiers, packs) into `dir`.
fn synth(dir: &Path, size: Size, seed: u64) {
    let Size {
        vas,
        lics,
        density_pct,
        instances,
    } = size;
    let mut r = Rng(seed);
    let mut cells: Vec<(usize, usize)> = Vec::new();
    let (mut acc, mut ent, mut use_, mut pri, mut sub) = (
        String::from("smart_account,virtual_account,pool,locked\n"),
        String::from("smart_account,virtual_account,license,quantity,license_type,start_date,end_date,source\n"),
        String::from("smart_account,virtual_account,license,in_use,reserved\n"),
        String::from("license,unit_price,pack_size\n"),
        String::from("license,covers\n"),
    );
    for v in 0..vas {
        let pool = if r.next().is_multiple_of(5) {
            "north"
        } else {
            ""
        };
        let locked = r.next().is_multiple_of(20);
        writeln!(acc, "SA,VA-{v:04},{pool},{locked}").unwrap();
        for l in 0..lics {
            if r.next() % 100 >= density_pct {
                continue;
            }
            let q = r.pick(&[0, 1, 5, 10, 25, 50, 100, 250]);
            let (kind, end) = if r.next().is_multiple_of(2) {
                ("PERPETUAL", "")
            } else {
                ("TERM", r.pick(&["2026-12-31", "2027-09-30", "2028-06-30"]))
            };
            let src = if r.next().is_multiple_of(30) {
                "PAK"
            } else {
                "SMART"
            };
            writeln!(ent, "SA,VA-{v:04},LIC-{l:05},{q},{kind},,{end},{src}").unwrap();
            let used = r.pick(&[0, 1, 3, 7, 12, 30, 60, 120, 300]);
            writeln!(use_, "SA,VA-{v:04},LIC-{l:05},{used},0").unwrap();
            cells.push((v, l));
        }
    }
    let (mut inst, mut cmdb) = (
        String::from("instance,smart_account,virtual_account,license,last_contact,reservation\n"),
        String::from("instance,status\n"),
    );
    for i in 0..instances {
        let (v, l) = cells[(r.next() % cells.len() as u64) as usize];
        let seen = r.pick(&["2026-10-31", "2026-10-20", "2026-08-01", "2026-03-15"]);
        let res = r.pick(&["NONE", "NONE", "NONE", "SLR"]);
        writeln!(inst, "DEV-{i},SA,VA-{v:04},LIC-{l:05},{seen},{res}").unwrap();
        if r.next().is_multiple_of(4) {
            let status = r.pick(&["in service", "decommissioned"]);
            writeln!(cmdb, "DEV-{i},{status}").unwrap();
        }
    }
    if instances > 0 {
        use_.clear();
        std::fs::write(dir.join("instances.csv"), inst).unwrap();
        std::fs::write(dir.join("cmdb.csv"), cmdb).unwrap();
    }
    for l in 0..lics {
        let price = r.pick(&["12.50", "35", "99", "480", "1200"]);
        let pack = r.pick(&["", "", "", "5", "10"]);
        writeln!(pri, "LIC-{l:05},{price},{pack}").unwrap();
    }
    for f in 0..lics * 3 / 10 / 3 {
        writeln!(sub, "LIC-{:05},LIC-{:05}", 3 * f, 3 * f + 1).unwrap();
        writeln!(sub, "LIC-{:05},LIC-{:05}", 3 * f + 1, 3 * f + 2).unwrap();
    }
    for (name, text) in [
        ("accounts.csv", acc),
        ("entitlements.csv", ent),
        ("usage.csv", use_),
        ("prices.csv", pri),
        ("substitutions.csv", sub),
        (
            "case.toml",
            "name = \"synthetic\"\nas_of = \"2026-11-01\"\nrenewal_date = \"2027-06-30\"\n".into(),
        ),
    ] {
        if !text.is_empty() {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
}

fn phases(c: &mut Criterion) {
    let scenario = Scenario::parse("buffer_pct = 10", "bench", "bench").unwrap();
    let opts = SolveOptions::default();
    let mut group = c.benchmark_group("phases");
    group.sample_size(10);
    // The last two are L-usage's shape (300 VAs, 45,000 cells), and the same with a
    // million instances and a CMDB instead of the usage table (L's shape).
    let mut sizes = vec![
        (20, 200, 20, 0),
        (40, 500, 20, 0),
        (300, 3000, 5, 0),
        (300, 3000, 5, 1_000_000),
    ];
    // XL's shape (2,000 VAs x 10,000 licences at 1%, ten million instances): about 800 MB
    // of CSV and minutes per phase, so only on request (REALLOT_BENCH_XL=1).
    if std::env::var_os("REALLOT_BENCH_XL").is_some() {
        sizes.push((2000, 10_000, 1, 10_000_000));
    }
    for (vas, lics, density_pct, instances) in sizes {
        let size = Size {
            vas,
            lics,
            density_pct,
            instances,
        };
        let dir = tempfile::tempdir().unwrap();
        synth(dir.path(), size, 7);
        let label = size.label();
        group.bench_with_input(BenchmarkId::new("read", &label), &dir, |b, d| {
            b.iter(|| black_box(load_case(d.path()).unwrap()))
        });
        let estate = load_case(dir.path()).unwrap();
        let as_of = estate.as_of.unwrap();
        let view = ScenarioView::resolve(&estate, &scenario, as_of, estate.renewal_date).unwrap();
        group.bench_with_input(BenchmarkId::new("build", &label), &estate, |b, e| {
            b.iter(|| black_box(prepare(e, &view)))
        });
        let prep = prepare(&estate, &view);
        group.bench_with_input(BenchmarkId::new("solve", &label), &prep, |b, p| {
            b.iter(|| black_box(solve(p, &estate, &opts)))
        });
        let plan = reallot::plan_case(&estate, &scenario, None, &opts).unwrap();
        let out = tempfile::tempdir().unwrap();
        group.bench_with_input(BenchmarkId::new("write", &label), &plan, |b, p| {
            b.iter(|| {
                let dir = reallot::io::write::OutDir::new(&out.path().join("plan"), &[]).unwrap();
                reallot::report::write_plan(p, &dir.root()).unwrap();
                dir.commit().unwrap()
            })
        });
    }
    group.finish();
}

/// The chain algorithm at 10 and at 10^12 units in a two-tier chain (packs 25 and 10):
/// the magnitude reduction makes both the same size of work.
fn chain_magnitudes(c: &mut Criterion) {
    use reallot::estate::Price;
    let price = [
        Some(Price { cents: 9, pack: 25 }),
        Some(Price { cents: 7, pack: 10 }),
    ];
    let mut group = c.benchmark_group("chain");
    for units in [10u64, 1_000_000_000_000] {
        group.bench_with_input(BenchmarkId::new("two_tiers", units), &units, |b, &t| {
            b.iter(|| black_box(reallot::model::chain_optima(&[0, 0], &[3, t], &price, 16)))
        });
    }
    group.finish();
}

criterion_group!(benches, phases, chain_magnitudes);
criterion_main!(benches);
