//! Hand-collected evidence (issue 4): process logs, runtime and GC logs read from the fixtures
//! under `tests/fixtures/logs/` into the one series model, with limits, time axes and errors.

use leakscope::analyze::{analyze_series, AnalyzeOptions};
use leakscope::ingest::{parse, IngestOptions, Parsed};
use leakscope::report::Verdict;
use leakscope::series::{Series, TimeAxis, Unit};

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// 2024-08-15T07:40:00Z
const AT: i64 = 1_723_707_600_000;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/logs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> Parsed {
    read_with(name, &IngestOptions::default())
}

fn read_with(name: &str, options: &IngestOptions) -> Parsed {
    parse(name, &fixture(name), options).unwrap_or_else(|e| panic!("{e}"))
}

fn error(name: &str, text: &str) -> String {
    parse(name, text.as_bytes(), &IngestOptions::default()).map(|p| p.format).expect_err(text).to_string()
}

fn series<'a>(parsed: &'a Parsed, labels: &[(&str, &str)]) -> &'a Series {
    parsed
        .series
        .iter()
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .unwrap_or_else(|| {
            let names: Vec<&str> = parsed.series.iter().map(|s| s.name.as_str()).collect();
            panic!("no series with {labels:?} among {names:?}")
        })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn every_fixture_is_detected_as_its_format() {
    let table: &[(&str, &str, usize)] = &[
        ("psrecord_worker.log", "psrecord", 2),
        ("pidstat_r_12h_midnight.txt", "pidstat", 4),
        ("pidstat_h_epoch_cmdline.txt", "pidstat", 2),
        ("pidstat_human_ddmm.txt", "pidstat", 4),
        ("pidstat_t_threads.txt", "pidstat", 2),
        ("ps_rss_time_of_day.txt", "ps-loop", 1),
        ("ps_table_date_lines.txt", "ps-loop", 4),
        ("ps_date_prefixed.txt", "ps-loop", 1),
        ("ps_iso_prefixed.txt", "ps-loop", 1),
        ("ps_bare_rss_date_lines.txt", "ps-loop", 1),
        ("docker_stats_table_timestamped.txt", "docker-stats", 2),
        ("docker_stats_json_time.ndjson", "docker-stats", 1),
        ("docker_stats_json_prefixed.ndjson", "docker-stats", 2),
        ("docker_stats_stream_dates.txt", "docker-stats", 1),
        ("jvm_leak_g1_unified.log", "jvm-gc", 2),
        ("jvm_parallel_uptime.log", "jvm-gc", 3),
        ("jvm_uptimemillis_pid.log", "jvm-gc", 4),
        ("jvm_zgc_timemillis.log", "jvm-gc", 2),
        ("jvm_jdk8_parallel_datestamps.log", "jvm-gc", 2),
        ("jvm_jdk8_cms_uptime.log", "jvm-gc", 2),
        ("jvm_jdk8_g1_details.log", "jvm-gc", 2),
        ("node_pino.ndjson", "node-memory", 8),
        ("node_winston_nested.ndjson", "node-memory", 4),
        ("node_console_multiline.log", "node-memory", 4),
        ("node_console_oneline.log", "node-memory", 4),
        ("massif_instructions.out", "massif", 2),
        ("massif_bytes.out", "massif", 2),
        ("massif_ms.out", "massif", 3),
        ("k8s_pods_concatenated.json", "k8s-metrics", 3),
        ("k8s_nodes.ndjson", "k8s-metrics", 2),
        ("kubectl_top_containers_dates.txt", "kubectl-top", 3),
        ("kubectl_top_nodes_prefixed.txt", "kubectl-top", 2),
    ];
    for (name, format, count) in table {
        let parsed = read(name);
        assert_eq!(parsed.format, *format, "{name}");
        assert_eq!(
            parsed.series.len(),
            *count,
            "{name}: {:?}",
            parsed.series.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        for s in &parsed.series {
            assert_eq!(s.unit, Unit::Bytes, "{name}: {}", s.name);
            assert!(s.len() >= 2 || *format == "jvm-gc", "{name}: {} has {} points", s.name, s.len());
            assert!(s.times_ms.windows(2).all(|w| w[0] < w[1]), "{name}: {} not increasing", s.name);
        }
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    }
}

#[test]
fn other_formats_are_not_taken_for_logs() {
    let csv_like: &[&str] = &[
        "time,rss\n2024-08-15T07:40:00Z,100\n2024-08-15T07:41:00Z,110\n",
        "2024-08-15 07:40:00, 100\n2024-08-15 07:41:00, 110\n",
        "timestamp;rss (MiB)\n1723707600;12,5\n1723707660;13,0\n",
    ];
    for text in csv_like {
        let parsed = parse("x.csv", text.as_bytes(), &IngestOptions::default()).unwrap();
        assert_eq!(parsed.format, "generic-csv", "{text}");
    }
}

#[test]
fn psrecord_is_mib_on_a_relative_axis_until_a_start_is_given() {
    let parsed = read("psrecord_worker.log");
    let rss = series(&parsed, &[("measure", "rss")]);
    assert_eq!(rss.time_axis, TimeAxis::Relative);
    assert_eq!(rss.times_ms[..2], [0, 10_020]);
    assert!(close(rss.values[0], 47.655 * MIB), "psrecord's MB are MiB");
    assert!(close(series(&parsed, &[("measure", "virtual")]).values[0], 1210.4 * MIB));
    let started = read_with("psrecord_worker.log", &IngestOptions { start_ms: Some(AT) });
    let rss = series(&started, &[("measure", "rss")]);
    assert_eq!(rss.time_axis, TimeAxis::Epoch);
    assert_eq!(rss.times_ms[..2], [AT, AT + 10_020]);
}

#[test]
fn pidstat_dates_come_from_the_banner_and_advance_past_midnight() {
    let parsed = read("pidstat_r_12h_midnight.txt");
    let node = series(&parsed, &[("pid", "4242"), ("measure", "rss")]);
    let day = AT - (7 * 3600 + 40 * 60) * 1000; // 2024-08-15T00:00:00Z
    assert_eq!(node.time_axis, TimeAxis::Epoch);
    assert_eq!(node.len(), 10, "Average rows are not samples");
    assert_eq!(node.times_ms[0], day + (23 * 3600 + 55 * 60) * 1000);
    assert_eq!(*node.times_ms.last().unwrap(), day + 86_400_000 + 4 * 60 * 1000);
    assert_eq!(node.values[0], 250_000.0 * KIB);
    assert_eq!(node.labels.get("command").map(String::as_str), Some("node"));
    // RSS series come first: they are the primary signal.
    assert!(parsed.series[..2].iter().all(|s| s.labels["measure"] == "rss"));

    let epoch = read("pidstat_h_epoch_cmdline.txt");
    let java = series(&epoch, &[("measure", "rss")]);
    assert_eq!(java.times_ms[0], AT);
    assert_eq!(java.labels["command"], "/usr/bin/java -Xmx2g -jar orders.jar");
    assert_eq!(java.values[0], 512_000.0 * KIB);

    let threads = read("pidstat_t_threads.txt");
    let java = series(&threads, &[("pid", "4242"), ("measure", "rss")]);
    assert_eq!(java.values, vec![250_000.0 * KIB, 254_000.0 * KIB, 258_000.0 * KIB], "thread rows are not processes");

    let human = read("pidstat_human_ddmm.txt");
    let postgres = series(&human, &[("pid", "1312"), ("measure", "rss")]);
    assert_eq!(postgres.times_ms[0], day + 14 * 3600 * 1000);
    assert!(close(postgres.values[0], 1.8 * GIB));
    assert!(close(series(&human, &[("pid", "1399"), ("measure", "vsz")]).values[0], 210.4 * MIB));
}

#[test]
fn pidstat_rows_without_a_banner_are_relative() {
    let text = "\
# Time        USER       PID  minflt/s  majflt/s     VSZ     RSS   %MEM  Command
23:59:30      app       314      1.00      0.00  100000   20000   0.10  worker
23:59:59      app       314      1.00      0.00  100000   20100   0.10  worker
00:00:29      app       314      1.00      0.00  100000   20200   0.10  worker
";
    let parsed = parse("p.txt", text.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(parsed.format, "pidstat");
    let rss = series(&parsed, &[("measure", "rss")]);
    assert_eq!((rss.time_axis, rss.times_ms.clone()), (TimeAxis::Relative, vec![0, 29_000, 59_000]));
}

#[test]
fn ps_aux_snapshots_between_date_lines() {
    let text = "\
2024-08-15T07:40:00+00:00
USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
app         4242  3.0  1.5 2345676 250000 ?      Sl   07:01   0:08 node server.js
root           1  0.0  0.1 168000 11000 ?        Ss   Aug14   0:03 /sbin/init
2024-08-15T07:41:00+00:00
USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
app         4242  3.1  1.6 2345676 252000 ?      Sl   07:01   0:09 node server.js
root           1  0.0  0.1 168000 11000 ?        Ss   Aug14   0:03 /sbin/init
";
    let parsed = parse("ps.log", text.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(parsed.format, "ps-loop");
    let node = series(&parsed, &[("pid", "4242"), ("measure", "rss")]);
    assert_eq!(node.labels["command"], "node server.js");
    assert_eq!(node.times_ms, vec![AT, AT + 60_000]);
    assert_eq!(node.values, vec![250_000.0 * KIB, 252_000.0 * KIB]);
}

#[test]
fn proc_status_between_date_lines() {
    let text = "\
Thu Aug 15 07:40:00 UTC 2024
VmSize:\t 2345676 kB
VmRSS:\t  250000 kB
Thu Aug 15 07:41:00 UTC 2024
Name:\tjava
VmPeak:\t 2400000 kB
VmSize:\t 2345676 kB
VmRSS:\t  251000 kB
Threads:\t41
";
    let parsed = parse("status.log", text.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(parsed.format, "ps-loop");
    let rss = series(&parsed, &[("measure", "rss")]);
    assert_eq!(
        (rss.times_ms.clone(), rss.values.clone()),
        (vec![AT, AT + 60_000], vec![250_000.0 * KIB, 251_000.0 * KIB])
    );
    assert_eq!(series(&parsed, &[("measure", "vsz")]).len(), 2);
}

#[test]
fn ps_loops_in_every_shape() {
    let tod = read("ps_rss_time_of_day.txt");
    let rss = &tod.series[0];
    assert_eq!(rss.time_axis, TimeAxis::Relative);
    assert_eq!(rss.times_ms[0], 0);
    assert_eq!(*rss.times_ms.last().unwrap(), 29 * 300 * 1000, "22:00 to 00:25 the next day");
    assert_eq!(rss.values[0], 81_000.0 * KIB);
    let started = read_with("ps_rss_time_of_day.txt", &IngestOptions { start_ms: Some(AT) });
    assert_eq!(started.series[0].time_axis, TimeAxis::Epoch);
    assert_eq!(started.series[0].times_ms[1], AT + 300_000);

    let table = read("ps_table_date_lines.txt");
    let node = series(&table, &[("pid", "4242"), ("measure", "rss")]);
    assert_eq!(node.labels["command"], "node server.js --port 8080");
    assert_eq!((node.times_ms[0], node.values[0]), (AT, 250_000.0 * KIB));
    assert_eq!(series(&table, &[("pid", "5151"), ("measure", "vsz")]).values[0], 123_456.0 * KIB);

    for name in ["ps_date_prefixed.txt", "ps_iso_prefixed.txt", "ps_bare_rss_date_lines.txt"] {
        let parsed = read(name);
        assert_eq!(parsed.series[0].time_axis, TimeAxis::Epoch, "{name}");
        assert_eq!(parsed.series[0].times_ms[0], AT, "{name}");
    }
    assert_eq!(read("ps_date_prefixed.txt").series[0].values[0], 123_456.0 * KIB);
}

#[test]
fn a_single_ps_snapshot_is_refused_with_a_way_to_log_it() {
    let e = error("ps.txt", "  PID   RSS    VSZ CMD\n 4242 1000 2000 node\n");
    assert!(e.starts_with("ps.txt:2: expected a time for this ps row"), "{e}");
    assert!(e.contains("date"), "{e}");
}

#[test]
fn docker_limits_reach_the_exhaustion_forecast() {
    let parsed = read("docker_stats_table_timestamped.txt");
    let api = series(&parsed, &[("container", "orders-api")]);
    assert_eq!(api.limit, Some(GIB));
    assert_eq!(api.times_ms[0], AT);
    assert_eq!(series(&parsed, &[("container", "orders-db")]).limit, Some(2.0 * GIB));
    let report = analyze_series(api, &AnalyzeOptions::default());
    assert_eq!(report.verdict, Verdict::Leak, "{}", report.summary);
    let exhaustion = report.exhaustion.expect("a leak with a known limit has an exhaustion forecast");
    assert_eq!(exhaustion.limit, GIB);
    assert!(exhaustion.ms > *api.times_ms.last().unwrap());

    // The same through the whole pipeline, as the CLI and the page run it.
    let bytes = fixture("docker_stats_table_timestamped.txt");
    let report = leakscope::analyze_bytes("stats.txt", &bytes, &IngestOptions::default(), &AnalyzeOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.source.format, "docker-stats");
    let api = report.series.iter().find(|s| s.labels["container"] == "orders-api").unwrap();
    assert_eq!(api.exhaustion.map(|e| e.limit), Some(GIB));

    let json = read("docker_stats_json_time.ndjson");
    assert_eq!(json.series[0].limit, Some(512.0 * MIB));
    assert_eq!(json.series[0].times_ms[1], AT + 30_000);
    let prefixed = read("docker_stats_json_prefixed.ndjson");
    assert_eq!(series(&prefixed, &[("container", "cache")]).values[0], 900.0 * KIB);
    let stream = read("docker_stats_stream_dates.txt");
    assert_eq!(stream.series[0].labels["container"], "batch", "the stopped container (--) has no sample");
    assert_eq!(stream.series[0].limit, Some(15.5 * GIB));
}

#[test]
fn docker_stats_without_time_is_refused() {
    let e =
        parse("stats.txt", &fixture("docker_stats_untimed.txt"), &IngestOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with("stats.txt:2: expected a time for this docker stats sample"), "{e}");
    let e = error("s.ndjson", "{\"Name\":\"a\",\"MemUsage\":\"1MiB / 2GiB\"}\n");
    assert!(e.starts_with("s.ndjson:1: expected a time"), "{e}");
}

#[test]
fn a_leaking_jvm_is_judged_on_its_heap_after_gc() {
    let parsed = read("jvm_leak_g1_unified.log");
    let after = series(&parsed, &[("measure", "heap-after-gc")]);
    assert_eq!(after.time_axis, TimeAxis::Epoch);
    assert_eq!(after.limit, Some(2.0 * GIB), "Heap Max Capacity is the limit");
    assert!(after.len() > 200);
    let report = analyze_series(after, &AnalyzeOptions::default());
    assert_eq!(report.verdict, Verdict::Leak, "{}", report.summary);
    let before = series(&parsed, &[("measure", "heap-before-gc")]);
    assert!(before.values.iter().zip(&after.values).all(|(b, a)| b > a));
}

#[test]
fn jvm_decorators_and_collectors() {
    let parallel = read("jvm_parallel_uptime.log");
    let after = series(&parallel, &[("measure", "heap-after-gc")]);
    assert_eq!(after.time_axis, TimeAxis::Relative);
    assert_eq!((after.times_ms[0], after.values[0]), (1_204, 9.0 * MIB));
    assert_eq!(after.limit, Some(245.0 * MIB));
    let full = series(&parallel, &[("collection", "full")]);
    assert_eq!(full.values, vec![17.0 * MIB, 22.0 * MIB]);
    let started = read_with("jvm_parallel_uptime.log", &IngestOptions { start_ms: Some(AT) });
    assert_eq!(started.series[0].time_axis, TimeAxis::Epoch);
    assert_eq!(started.series[0].times_ms[0], AT + 1_204);

    let two = read("jvm_uptimemillis_pid.log");
    assert_eq!(series(&two, &[("jvm", "31337"), ("measure", "heap-after-gc")]).times_ms, vec![2047, 4301, 6550]);
    assert_eq!(series(&two, &[("jvm", "31400"), ("measure", "heap-after-gc")]).len(), 2);

    let zgc = read("jvm_zgc_timemillis.log");
    let after = series(&zgc, &[("measure", "heap-after-gc")]);
    assert_eq!((after.times_ms[0], after.values[0]), (1_723_707_660_500, 250.0 * MIB));
    assert_eq!(after.limit, Some(8.0 * GIB));
}

#[test]
fn jvm_detail_lines_restarts_and_concurrent_phases() {
    let gc_star = "\
[0.150s][info][gc,start    ] GC(0) Pause Young (Normal) (G1 Evacuation Pause)
[0.150s][info][gc,heap     ] GC(0) Eden regions: 13->0(8)
[0.150s][info][gc,heap     ] GC(0) Old regions: 2->2
[0.150s][info][gc,metaspace] GC(0) Metaspace: 1024K(1280K)->1024K(1280K) NonClass: 900K(1024K)->900K(1024K)
[0.151s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->23M(248M) 11.742ms
[0.151s][info][gc,cpu      ] GC(0) User=0.01s Sys=0.00s Real=0.01s
[2.300s][info][gc          ] GC(1) Pause Remark 120M->120M(248M) 1.002ms
[2.400s][info][gc          ] GC(2) Pause Cleanup 121M->121M(248M) 0.102ms
[0.012s][info][gc          ] Using G1
[1.500s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 30M->20M(248M) 9.000ms
";
    let parsed = parse("gc.log", gc_star.as_bytes(), &IngestOptions::default()).unwrap();
    let after = series(&parsed, &[("measure", "heap-after-gc")]);
    assert_eq!(after.values, vec![23.0 * MIB, 20.0 * MIB], "one sample per collection; remark and cleanup skipped");
    assert_eq!(after.times_ms, vec![151, 2_400 + 1_500], "a restarted JVM continues after the last uptime seen");

    let hostname = "[2024-08-15T07:40:00.000+0000][apphost][4242][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 40M->12M(64M) 2.0ms\n";
    let parsed = parse("gc.log", hostname.as_bytes(), &IngestOptions::default()).unwrap();
    let after = series(&parsed, &[("jvm", "4242"), ("measure", "heap-after-gc")]);
    assert_eq!((after.times_ms[0], after.values[0]), (AT, 12.0 * MIB));

    let untagged = "[0.150s] GC(0) Eden regions: 13->0(8)\n[0.150s] GC(0) Metaspace: 1K(2K)->1K(2K)\n[0.151s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->23M(248M) 11.742ms\n";
    let parsed = parse("gc.log", untagged.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(series(&parsed, &[("measure", "heap-after-gc")]).values, vec![23.0 * MIB]);
}

#[test]
fn ts_and_javascript_date_prefixes() {
    let ts = "\
Aug 15 07:40:00 CONTAINER ID   NAME   CPU %   MEM USAGE / LIMIT   MEM %   NET I/O   BLOCK I/O   PIDS
Aug 15 07:40:00 0123456789ab   web    0.5%    100MiB / 1GiB       9.8%    0B / 0B   0B / 0B     3
Aug 15 07:41:00 CONTAINER ID   NAME   CPU %   MEM USAGE / LIMIT   MEM %   NET I/O   BLOCK I/O   PIDS
Aug 15 07:41:00 0123456789ab   web    0.5%    110MiB / 1GiB       10.7%   0B / 0B   0B / 0B     3
";
    let parsed = parse("stats.log", ts.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(parsed.format, "docker-stats");
    let web = &parsed.series[0];
    assert_eq!((web.time_axis, web.times_ms.clone()), (TimeAxis::Relative, vec![0, 60_000]), "no year: relative");
    let started = parse("stats.log", ts.as_bytes(), &IngestOptions { start_ms: Some(AT) }).unwrap();
    assert_eq!(started.series[0].times_ms, vec![AT, AT + 60_000]);

    let js = "\
Thu Aug 15 2024 09:40:00 GMT+0200 (Central European Summer Time) { rss: 30932992, heapTotal: 6438912, heapUsed: 4659432, external: 1420011 }
Thu Aug 15 2024 09:41:00 GMT+0200 (Central European Summer Time) { rss: 31457280, heapTotal: 6701056, heapUsed: 4912200, external: 1420011 }
";
    let parsed = parse("app.log", js.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(series(&parsed, &[("measure", "rss")]).times_ms, vec![AT, AT + 60_000]);
}

#[test]
fn jdk8_events_split_by_the_tenuring_distribution() {
    let text = "\
2.345: [GC (Allocation Failure) 2.345: [ParNew
Desired survivor size 2228224 bytes, new threshold 1 (max 6)
- age   1:    3462536 bytes,    3462536 total
: 34944K->4352K(39296K), 0.0092810 secs] 34944K->6621K(126720K), 0.0093570 secs] [Times: user=0.02 sys=0.00, real=0.01 secs]
4.120: [GC (Allocation Failure) 4.120: [ParNew
Desired survivor size 2228224 bytes, new threshold 1 (max 6)
: 39296K->4352K(39296K), 0.0121000 secs] 41565K->12083K(126720K), 0.0122100 secs] [Times: user=0.03 sys=0.01, real=0.01 secs]
";
    let parsed = parse("gc.log", text.as_bytes(), &IngestOptions::default()).unwrap();
    let after = series(&parsed, &[("measure", "heap-after-gc")]);
    assert_eq!(after.times_ms, vec![2_345, 4_120]);
    assert_eq!(after.values, vec![6_621.0 * KIB, 12_083.0 * KIB], "the whole heap, not ParNew");
}

#[test]
fn jdk8_gc_logs() {
    let parallel = read("jvm_jdk8_parallel_datestamps.log");
    let after = series(&parallel, &[("measure", "heap-after-gc")]);
    assert_eq!(after.time_axis, TimeAxis::Epoch);
    assert_eq!(after.times_ms[0], AT + 12_345);
    assert_eq!(after.values[..2], [10_744.0 * KIB, 24_012.0 * KIB], "the whole heap, not PSYoungGen");
    assert_eq!(after.values[3], 35_100.0 * KIB, "the full collection");
    assert_eq!(after.limit, Some(1_073_741_824.0), "MaxHeapSize");

    let cms = read("jvm_jdk8_cms_uptime.log");
    let after = series(&cms, &[("measure", "heap-after-gc")]);
    assert_eq!(after.time_axis, TimeAxis::Relative);
    assert_eq!(after.times_ms, vec![1_892, 4_120, 6_977, 8_500]);
    assert_eq!(after.values[0], 6_621.0 * KIB);

    let g1 = read("jvm_jdk8_g1_details.log");
    let after = series(&g1, &[("measure", "heap-after-gc")]);
    assert_eq!(after.times_ms, vec![6_410, 9_008, 11_730, 14_020]);
    assert!(close(after.values[0], 21.5 * MIB));
    assert_eq!(after.values[3], 19.0 * MIB);
}

#[test]
fn node_memory_usage_logs() {
    let pino = read("node_pino.ndjson");
    let heap = series(&pino, &[("pid", "4242"), ("measure", "heapUsed")]);
    assert_eq!((heap.times_ms[0], heap.values[0]), (AT + 60_000, 31_250_432.0));
    assert_eq!(heap.len(), 5);
    assert_eq!(heap.limit, Some(4_345_298_944.0), "V8's heap_size_limit");
    assert_eq!(series(&pino, &[("pid", "4242"), ("measure", "rss")]).limit, None);
    assert_eq!(series(&pino, &[("pid", "4243"), ("measure", "rss")]).len(), 2);

    let winston = read("node_winston_nested.ndjson");
    let rss = series(&winston, &[("measure", "rss")]);
    assert!(close(rss.values[0], 48.5 * MIB));
    assert_eq!(rss.times_ms[3], AT + 180_000);

    for name in ["node_console_multiline.log", "node_console_oneline.log"] {
        let parsed = read(name);
        let rss = series(&parsed, &[("measure", "rss")]);
        assert_eq!(rss.times_ms[0], AT, "{name}");
        assert_eq!(rss.len(), 3, "{name}");
        for measure in ["heapUsed", "heapTotal", "external"] {
            series(&parsed, &[("measure", measure)]);
        }
    }
    assert_eq!(series(&read("node_console_multiline.log"), &[("measure", "rss")]).values[0], 4_935_680.0);

    let e = parse("n.log", &fixture("node_console_untimed.log"), &IngestOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with("n.log:1: expected a time for this memoryUsage sample"), "{e}");
}

#[test]
fn massif_time_units_are_respected() {
    let instructions = read("massif_instructions.out");
    let heap = series(&instructions, &[("measure", "mem_heap_B")]);
    assert_eq!(heap.time_axis, TimeAxis::Instructions);
    assert_eq!(heap.times_ms[1], 1_250_000_000);
    assert_eq!(heap.values[1], 184_096.0);
    assert_eq!(heap.len(), 16, "heap tree lines are not snapshots");
    assert!(instructions.series.iter().all(|s| s.labels["measure"] != "mem_stacks_B"), "stacks were not profiled");
    assert_eq!(read("massif_bytes.out").series[0].time_axis, TimeAxis::AllocatedBytes);
    let ms = read("massif_ms.out");
    assert_eq!(series(&ms, &[("measure", "mem_stacks_B")]).values[1], 1840.0);
    assert_eq!(ms.series[0].time_axis, TimeAxis::Relative);
    let started = read_with("massif_ms.out", &IngestOptions { start_ms: Some(AT) });
    assert_eq!((started.series[0].time_axis, started.series[0].times_ms[1]), (TimeAxis::Epoch, AT + 1500));
    let not_time = read_with("massif_instructions.out", &IngestOptions { start_ms: Some(AT) });
    assert_eq!(not_time.series[0].time_axis, TimeAxis::Instructions, "instructions never become time");
}

#[test]
fn metrics_server_snapshots() {
    let pods = read("k8s_pods_concatenated.json");
    let api = series(&pods, &[("pod", "orders-api-7d9f"), ("container", "api")]);
    assert_eq!(api.labels["namespace"], "shop");
    assert_eq!(api.values, vec![214_532.0 * KIB, 221_004.0 * KIB, 228_120.0 * KIB]);
    assert_eq!(api.times_ms[0], AT - 9_000);
    assert_eq!(series(&pods, &[("container", "postgres")]).values, vec![1.5 * GIB, 1.5 * GIB]);
    let nodes = read("k8s_nodes.ndjson");
    assert_eq!(series(&nodes, &[("node", "node-a")]).values[1], 7_402_120.0 * KIB);
}

#[test]
fn kubectl_top_loops() {
    let pods = read("kubectl_top_containers_dates.txt");
    let api = series(&pods, &[("pod", "orders-api-7d9f"), ("container", "api")]);
    assert_eq!(api.labels["namespace"], "shop");
    assert_eq!((api.times_ms[0], api.values[0]), (AT, 214.0 * MIB));
    assert_eq!(api.len(), 6);
    let nodes = read("kubectl_top_nodes_prefixed.txt");
    let a = series(&nodes, &[("node", "node-a")]);
    assert_eq!(a.times_ms, vec![AT, AT + 30_000, AT + 60_000, AT + 90_000]);
    let e = error("top.txt", "NAME   CPU(cores)   MEMORY(bytes)\napi-0  12m          214Mi\n");
    assert!(e.starts_with("top.txt:2: expected a time for this kubectl top row"), "{e}");
}

#[test]
fn podman_stats_table() {
    let text = "\
2024-08-15T07:40:00Z ID            NAME        CPU %       MEM USAGE / LIMIT  MEM %       NET IO             BLOCK IO           PIDS        CPU TIME    AVG CPU %
2024-08-15T07:40:00Z 7f3c0a1b2c3d  web         0.52%       48.3MB / 8.2GB     0.59%       1.2kB / 430B       0B / 0B            5           1.2s        0.52%
2024-08-15T07:41:00Z ID            NAME        CPU %       MEM USAGE / LIMIT  MEM %       NET IO             BLOCK IO           PIDS        CPU TIME    AVG CPU %
2024-08-15T07:41:00Z 7f3c0a1b2c3d  web         0.50%       49.1MB / 8.2GB     0.60%       1.2kB / 430B       0B / 0B            5           1.8s        0.51%
";
    let parsed = parse("podman.txt", text.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(parsed.format, "docker-stats");
    let web = series(&parsed, &[("container", "web")]);
    assert_eq!(web.values, vec![48.3e6, 49.1e6], "podman's MB are SI");
    assert!(close(web.limit.unwrap(), 8.2e9));
}

#[test]
fn malformed_lines_are_named() {
    let cases: &[(&str, &str, &str)] = &[
        ("# Elapsed time   CPU (%)     Real (MB)   Virtual (MB)\n 0.0 1.0 2.0 3.0\n 1.0 x 2.0 3.0\n", ":3: ", "expected a number"),
        ("# Elapsed time   CPU (%)     Real (MB)   Virtual (MB)\n 0.0 1.0 2.0\n", ":2: ", "expected 4 columns"),
        (
            "Linux 5.15 (h) \t08/15/2024 \t_x86_64_\t(4 CPU)\n\n10:00:00  UID  PID  minflt/s  majflt/s  VSZ  RSS  %MEM  Command\n10:00:00  1  2  0.0  0.0  100  lots  0.1  x\n",
            ":4: ",
            "expected a size in KiB in column RSS, found \"lots\"",
        ),
        ("2024-08-15T07:40:00Z CONTAINER ID  NAME  CPU %  MEM USAGE / LIMIT  MEM %\n2024-08-15T07:40:00Z abc  web  0.1%  big / 1GiB  1%\n", ":2: ", "expected MEM USAGE / LIMIT"),
        ("6.4: [GC pause (G1 Evacuation Pause) (young), 0.01 secs]\n   [Eden: 1.0M(1.0M)->0.0B(1.0M) Heap: 5.0M(9.0M)->1.0M(9.0M)]\n12.0: [GC pause (G1 Evacuation Pause) (young), 0.1 secs]\n   [Eden: 1.0M(1.0M)->0.0B(1.0M) Heap: nonsense]\n", ":4: ", "expected the heap transition"),
        ("{\"time\":1723707600000,\"rss\":1,\"heapUsed\":1,\"heapTotal\":2}\n{\"time\":1723707660000,\"rss\":\"lots\",\"heapUsed\":1,\"heapTotal\":2}\n", ":2: ", "expected a number of bytes in \"rss\""),
        ("{\"time\":1723707600000,\"rss\":1,\"heapUsed\":1,\"heapTotal\":2}\n{\"time\":17237076\n", ":2: ", "expected one JSON object per line"),
        ("desc: x\ncmd: y\ntime_unit: i\n#---\nsnapshot=0\n#---\ntime=0\nmem_heap_B=-4\n", ":8: ", "expected a whole number of bytes in mem_heap_B"),
        ("desc: x\ncmd: y\ntime_unit: s\nsnapshot=0\n", ":3: ", "expected time_unit i, B or ms"),
        ("{\"kind\":\"NodeMetrics\",\"metadata\":{\"name\":\"n\"},\"timestamp\":\"2024-08-15T07:40:00Z\",\"usage\":{\"memory\":\"12Ki\"}}\n{\"kind\":\"NodeMetrics\",\"metadata\":{\"name\":\"n\"},\"timestamp\":\"2024-08-15T07:41:00Z\",\"usage\":{\"memory\":\"1500m\"}}\n", ":2: ", "expected a memory quantity"),
        ("Thu Aug 15 07:40:00 UTC 2024\n  PID   RSS CMD\n  42  ten  x\n", ":3: ", "expected a size in KiB in column RSS"),
        ("Thu Aug 15 07:40:00 UTC 2024\nNAME  CPU(cores)  MEMORY(bytes)\napi  1m  lots\n", ":3: ", "expected a memory quantity like \"214Mi\""),
    ];
    for (text, at, message) in cases {
        let e = error("bad", text);
        assert!(e.starts_with(&format!("bad{at}")) && e.contains(message), "{e}\n  expected bad{at}…{message}");
    }
}

#[test]
fn no_panic_on_truncations_of_every_fixture() {
    let names = std::fs::read_dir(format!("{}/tests/fixtures/logs", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for entry in names {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for cut in (0..bytes.len()).step_by(97).chain([bytes.len().saturating_sub(1)]) {
            let _ = parse("cut", &bytes[..cut], &IngestOptions::default());
        }
    }
}
