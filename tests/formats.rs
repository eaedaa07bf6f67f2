//! Every export format: fixtures parse to the expected series, gzip is transparent for each
//! family, one synthetic series survives a round trip through every format, and bad input gets a
//! precise error (file, line or JSON path, and what was expected).

use leakscope::ingest::time::{format_datetime, format_rfc3339};
use leakscope::ingest::{parse, parse_owned, IngestOptions, Parsed, FORMATS};
use leakscope::synth::{ar1_noise, Rng};
use leakscope::Unit;
use serde_json::json;
use std::io::Write;
use std::path::Path;

const MIB: f64 = 1_048_576.0;
const T0_MS: i64 = 1_723_700_000_000;

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats"))
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_bytes(name: &str, bytes: &[u8]) -> leakscope::Result<Parsed> {
    parse(name, bytes, &IngestOptions::default())
}

fn parse_fixture(name: &str) -> Parsed {
    parse_bytes(name, &read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// (fixture, format id, series names in order, unit of the first series)
const FIXTURES: &[(&str, &str, &[&str], Unit)] = &[
    (
        "prometheus_query_range.json",
        "prometheus-matrix",
        &["container_memory_working_set_bytes{pod=\"api-0\"}", "container_memory_working_set_bytes{pod=\"api-1\"}"],
        Unit::Bytes,
    ),
    (
        "prometheus_query_vector.json",
        "prometheus-vector",
        &["process_resident_memory_bytes{instance=\"a:9100\"}", "process_resident_memory_bytes{instance=\"b:9100\"}"],
        Unit::Bytes,
    ),
    ("promtool_dump.txt", "promtool-dump", &["go_memstats_heap_inuse_bytes"], Unit::Bytes),
    (
        "dump_openmetrics.txt",
        "openmetrics",
        &["process_resident_memory_bytes{instance=\"a\"}", "process_resident_memory_bytes{instance=\"b\"}"],
        Unit::Bytes,
    ),
    ("exposition.prom", "prometheus-text", &["node_memory_MemAvailable_bytes"], Unit::Bytes),
    (
        "grafana_ds_query.json",
        "grafana-dataframe-json",
        &["container_memory_rss{pod=\"api-0\"}", "container_memory_rss{pod=\"api-1\"}"],
        Unit::Bytes,
    ),
    (
        "grafana_inspect_frames.json",
        "grafana-dataframe-json",
        &["container_memory_rss{pod=\"api-0\"}", "container_memory_rss{pod=\"api-1\"}"],
        Unit::Bytes,
    ),
    (
        "grafana_joined.csv",
        "grafana-csv",
        &["container_memory_rss{pod=\"api-0\"}", "container_memory_rss{pod=\"api-1\"}"],
        Unit::Unknown,
    ),
    ("grafana_formatted.csv", "grafana-csv", &["heap"], Unit::Bytes),
    ("grafana_excel_utf16.csv", "grafana-csv", &["rss"], Unit::Unknown),
    ("grafana_legacy_rows.csv", "grafana-legacy-csv", &["worker-a", "worker-b"], Unit::Unknown),
    ("grafana_legacy_columns.csv", "grafana-legacy-csv", &["worker-a", "worker-b"], Unit::Unknown),
    (
        "datadog_v1.json",
        "datadog-v1",
        &["kubernetes.memory.usage{pod_name=\"api-0\"}", "kubernetes.memory.usage{pod_name=\"api-1\"}"],
        Unit::Bytes,
    ),
    ("datadog_v2.json", "datadog-v2", &["query0{host=\"web-1\"}", "query0{host=\"web-2\"}"], Unit::Percent),
    ("cloudwatch_metric_data.json", "cloudwatch-get-metric-data", &["MemoryUtilization"], Unit::Percent),
    (
        "cloudwatch_statistics.json",
        "cloudwatch-get-metric-statistics",
        &["mem_used{statistic=\"Average\"}", "mem_used{statistic=\"Maximum\"}"],
        Unit::Bytes,
    ),
    ("influx_flux.csv", "influxdb-flux-csv", &["mem_used", "mem_used_percent"], Unit::Unknown),
    ("influxql.json", "influxql-json", &["mem_used{host=\"a\"}", "mem_used{host=\"b\"}"], Unit::Unknown),
    (
        "azure_monitor.json",
        "azure-monitor",
        &["MemoryWorkingSet{instance=\"i0\"}", "MemoryWorkingSet{instance=\"i1\"}"],
        Unit::Bytes,
    ),
    (
        "gcp_timeseries.json",
        "gcp-monitoring",
        &[
            "kubernetes.io/container/memory/used_bytes{pod_name=\"web-0\"}",
            "kubernetes.io/container/memory/used_bytes{pod_name=\"web-1\"}",
        ],
        Unit::Bytes,
    ),
    (
        "otlp_metrics.json",
        "otlp-json",
        &[
            "process.runtime.jvm.memory.usage{pool=\"heap\"}",
            "process.runtime.jvm.memory.usage{pool=\"nonheap\"}",
            "process.memory.usage",
        ],
        Unit::Bytes,
    ),
    ("netdata.csv", "netdata-csv", &["used", "cached"], Unit::Unknown),
    ("netdata.tsv", "netdata-csv", &["java", "python"], Unit::Unknown),
    ("netdata_csvjsonarray.json", "netdata-json", &["used", "free"], Unit::Unknown),
    ("zabbix_history.json", "zabbix-history", &["item 10101", "item 10102"], Unit::Unknown),
    ("zabbix_export.ndjson", "zabbix-export-ndjson", &["Used memory"], Unit::Unknown),
    ("generic_semicolon_decimal_comma.csv", "generic-csv", &["rss (MiB)"], Unit::Bytes),
    ("generic_bom_units.csv", "generic-csv", &["heap", "rss"], Unit::Bytes),
    ("generic_long.csv", "generic-csv", &["memory_bytes{pod=\"a-0\"}", "memory_bytes{pod=\"a-1\"}"], Unit::Bytes),
];

#[test]
fn every_fixture_parses_to_the_expected_series() {
    for (file, id, names, unit) in FIXTURES {
        let parsed = parse_fixture(file);
        assert_eq!(parsed.format, *id, "{file}");
        let got: Vec<&str> = parsed.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(&got, names, "{file}");
        assert_eq!(&parsed.series[0].unit, unit, "{file}");
        for s in &parsed.series {
            assert!(s.times_ms.windows(2).all(|w| w[0] < w[1]), "{file}: {} not sorted", s.name);
            assert!(s.values.iter().all(|v| v.is_finite()), "{file}");
            assert!(*s.times_ms.first().unwrap() >= T0_MS && *s.times_ms.last().unwrap() < T0_MS + 3_600_000, "{file}");
        }
        let label = FORMATS.iter().find(|f| f.id == *id).map(|f| f.label);
        assert_eq!(Some(parsed.format_label), label, "{file}");
    }
}

#[test]
fn every_fixture_parses_the_same_when_gzipped() {
    for (file, ..) in FIXTURES {
        let plain = parse_fixture(file);
        let zipped = parse_bytes(file, &gzip(&read(file))).unwrap_or_else(|e| panic!("{file}.gz: {e}"));
        assert_eq!(zipped.format, plain.format, "{file}");
        assert_eq!(zipped.series, plain.series, "{file}");
    }
}

#[test]
fn fixtures_keep_gaps_units_and_limits() {
    // A missing step and a NaN are gaps: no point, no interpolation.
    let p = parse_fixture("prometheus_query_range.json");
    assert_eq!(p.series[0].times_ms, vec![T0_MS, T0_MS + 60_000, T0_MS + 180_000, T0_MS + 240_000]);
    assert_eq!(p.series[1].times_ms, vec![T0_MS, T0_MS + 180_000, T0_MS + 240_000]);
    assert_eq!(p.series[0].values[0], 400.0 * MIB);
    assert_eq!(p.series[0].labels.get("pod").map(String::as_str), Some("api-0"));
    assert!(!p.series[0].labels.contains_key("job"), "labels all series share are dropped");
    // Grafana unit "mbytes" (MiB) and the NaN entity.
    let p = parse_fixture("grafana_ds_query.json");
    assert_eq!(p.series[0].values, vec![100.0 * MIB, 110.0 * MIB]);
    // Decimal comma, a sep= line, an offset, and a limit column in MiB.
    let p = parse_fixture("generic_semicolon_decimal_comma.csv");
    assert_eq!(p.series[0].values, vec![100.5 * MIB, 101.5 * MIB]);
    assert_eq!(p.series[0].times_ms[0], T0_MS);
    assert_eq!(p.series[0].limit, Some(1024.0 * MIB));
    // Epoch microseconds, unit suffixes in values.
    let p = parse_fixture("generic_bom_units.csv");
    assert_eq!(p.series[0].times_ms[1], T0_MS + 60_000);
    assert_eq!(p.series[1].values[0], 512.0 * MIB);
    // Formatted Grafana values and times.
    let p = parse_fixture("grafana_formatted.csv");
    assert_eq!(p.series[0].values, vec![1024.0 * MIB, 1536.0 * MIB, 512.0 * MIB]);
    // Newest-first and unordered sources come out sorted.
    let p = parse_fixture("cloudwatch_statistics.json");
    assert_eq!(p.series[0].values, vec![100.0 * MIB, 200.0 * MIB, 300.0 * MIB]);
    let p = parse_fixture("netdata.csv");
    assert_eq!(p.series[0].values, vec![100.5, 101.5, 102.5]);
    // Datadog's mebibyte unit, null points as gaps.
    let p = parse_fixture("datadog_v1.json");
    assert_eq!(p.series[0].values, vec![100.5 * MIB, 101.5 * MIB, 103.5 * MIB]);
    // Zabbix text items are skipped; clock + ns.
    let p = parse_fixture("zabbix_history.json");
    assert_eq!(p.series[0].times_ms[0], T0_MS + 500);
    // Percent fields in Flux tables.
    let p = parse_fixture("influx_flux.csv");
    assert_eq!(p.series[1].unit, Unit::Percent);
}

#[test]
fn hundreds_of_series_all_come_through() {
    let result: Vec<_> = (0..300)
        .map(|k| {
            json!({
                "metric": {"__name__": "container_memory_working_set_bytes", "namespace": "shop", "pod": format!("api-{k}")},
                "values": (0..20).map(|i| json!([1_723_700_000 + 60 * i, format!("{}", k * 1000 + i)])).collect::<Vec<_>>()
            })
        })
        .collect();
    let doc = json!({"status": "success", "data": {"resultType": "matrix", "result": result}});
    let parsed = parse_bytes("many.json", doc.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.series.len(), 300);
    assert_eq!(parsed.series[299].name, "container_memory_working_set_bytes{pod=\"api-299\"}");
    assert!(parsed.series.iter().all(|s| s.len() == 20));
}

// ---------------------------------------------------------------------------------------------
// Round trip: one synthetic series written in every format and read back.

struct Points {
    times_ms: Vec<i64>,
    values: Vec<f64>,
}

fn synthetic() -> Points {
    let n = 200; // past the 50-row head, so streaming readers are exercised too
    let mut rng = Rng::new(42);
    let noise = ar1_noise(&mut rng, n, 0.6, 2.0e6);
    let times_ms = (0..n as i64).map(|i| T0_MS + i * 60_000).collect();
    let values = noise.iter().enumerate().map(|(i, e)| 400.0 * MIB + i as f64 * 150_000.0 + e).collect();
    Points { times_ms, values }
}

type Writer = fn(&Points) -> String;

const METRIC: &str = "container_memory_working_set_bytes";

fn rows(p: &Points) -> impl DoubleEndedIterator<Item = (i64, f64)> + '_ {
    p.times_ms.iter().copied().zip(p.values.iter().copied())
}

fn secs(ms: i64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

const WRITERS: &[(&str, Writer)] = &[
    ("generic-csv", |p| {
        let mut out = String::from("time,memory_bytes\n");
        for (t, v) in rows(p) {
            out += &format!("{},{v}\n", format_rfc3339(t));
        }
        out
    }),
    ("generic-csv", |p| {
        let mut out = String::from("timestamp;rss\n");
        for (t, v) in rows(p) {
            out += &format!("{};{}\n", t / 1000, format!("{v}").replace('.', ","));
        }
        out
    }),
    ("generic-csv", |p| {
        let mut out = String::from("ts\tvalue\n");
        for (t, v) in rows(p) {
            out += &format!("{}\t{v}\n", t * 1_000_000);
        }
        out
    }),
    ("grafana-csv", |p| {
        let mut out = format!("\"Time\",\"{METRIC}{{pod=\"\"api-0\"\"}}\"");
        for (t, v) in rows(p) {
            out += &format!("\r\n{t},{v}");
        }
        out
    }),
    ("grafana-legacy-csv", |p| {
        let mut out = String::from("\"Series\";\"Time\";\"Value\"");
        for (t, v) in rows(p) {
            out += &format!("\r\n\"api-0\";\"{}\";{v}", format_rfc3339(t));
        }
        out
    }),
    ("grafana-dataframe-json", |p| {
        json!([{
            "schema": {"refId": "A", "fields": [
                {"name": "Time", "type": "time"},
                {"name": "Value", "type": "number", "labels": {"__name__": METRIC, "pod": "api-0"}, "config": {}}
            ]},
            "data": {"values": [p.times_ms, p.values]}
        }])
        .to_string()
    }),
    ("prometheus-matrix", |p| {
        let values: Vec<_> = rows(p).map(|(t, v)| json!([t as f64 / 1000.0, v.to_string()])).collect();
        json!({"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {"__name__": METRIC, "pod": "api-0"}, "values": values}
        ]}})
        .to_string()
    }),
    ("promtool-dump", |p| {
        rows(p).map(|(t, v)| format!("{{__name__=\"{METRIC}\", pod=\"api-0\"}} {v} {t}\n")).collect()
    }),
    ("openmetrics", |p| {
        let body: String = rows(p).map(|(t, v)| format!("{METRIC}{{pod=\"api-0\"}} {v} {}\n", secs(t))).collect();
        format!("# TYPE {METRIC} gauge\n{body}# EOF\n")
    }),
    ("prometheus-text", |p| {
        let body: String = rows(p).map(|(t, v)| format!("{METRIC}{{pod=\"api-0\"}} {v} {t}\n")).collect();
        format!("# HELP {METRIC} Working set.\n# TYPE {METRIC} gauge\n{body}")
    }),
    ("datadog-v1", |p| {
        let points: Vec<_> = rows(p).map(|(t, v)| json!([t as f64, v])).collect();
        json!({"status": "ok", "series": [{"metric": "kubernetes.memory.usage", "tag_set": ["pod_name:api-0"],
            "unit": [{"family": "bytes", "name": "byte", "scale_factor": 1.0}, null], "pointlist": points}]})
        .to_string()
    }),
    ("datadog-v2", |p| {
        json!({"data": {"type": "timeseries_response", "attributes": {
            "series": [{"group_tags": ["pod_name:api-0"], "query_index": 0}],
            "times": p.times_ms, "values": [p.values]}}})
        .to_string()
    }),
    ("cloudwatch-get-metric-data", |p| {
        let times: Vec<String> = p.times_ms.iter().rev().map(|t| format_rfc3339(*t)).collect();
        let values: Vec<f64> = p.values.iter().rev().copied().collect();
        json!({"MetricDataResults": [{"Id": "m1", "Label": "mem", "Timestamps": times, "Values": values,
            "StatusCode": "Complete"}], "Messages": []})
        .to_string()
    }),
    ("cloudwatch-get-metric-statistics", |p| {
        let mut points: Vec<_> =
            rows(p).map(|(t, v)| json!({"Timestamp": format_rfc3339(t), "Average": v, "Unit": "Bytes"})).collect();
        points.reverse();
        points.swap(0, 7);
        json!({"Label": "mem", "Datapoints": points}).to_string()
    }),
    ("influxdb-flux-csv", |p| {
        let mut out = String::from(
            "#group,false,false,true,true,false,false,true,true,true\r\n\
             #datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\r\n\
             #default,_result,,,,,,,,\r\n,result,table,_start,_stop,_time,_value,_field,_measurement,pod\r\n",
        );
        for (t, v) in rows(p) {
            out += &format!(
                ",,0,2024-08-15T00:00:00Z,2024-08-16T00:00:00Z,{},{v},working_set_bytes,container,api-0\r\n",
                format_rfc3339(t)
            );
        }
        out
    }),
    ("influxql-json", |p| {
        let values: Vec<_> = rows(p).map(|(t, v)| json!([format_rfc3339(t), v])).collect();
        json!({"results": [{"statement_id": 0, "series": [{"name": "container", "tags": {"pod": "api-0"},
            "columns": ["time", "working_set_bytes"], "values": values}]}]})
        .to_string()
    }),
    ("azure-monitor", |p| {
        let data: Vec<_> = rows(p).map(|(t, v)| json!({"timeStamp": format_rfc3339(t), "average": v})).collect();
        json!({"interval": "PT1M", "value": [{"name": {"value": "MemoryWorkingSet"}, "unit": "Bytes",
            "timeseries": [{"metadatavalues": [], "data": data}]}]})
        .to_string()
    }),
    ("gcp-monitoring", |p| {
        let points: Vec<_> = rows(p)
            .rev()
            .map(|(t, v)| {
                json!({"interval": {"startTime": format_rfc3339(t), "endTime": format_rfc3339(t)},
                "value": {"doubleValue": v}})
            })
            .collect();
        json!({"timeSeries": [{"metric": {"type": "kubernetes.io/container/memory/used_bytes"},
            "resource": {"type": "k8s_container", "labels": {"pod_name": "api-0"}},
            "metricKind": "GAUGE", "valueType": "DOUBLE", "unit": "By", "points": points}]})
        .to_string()
    }),
    ("otlp-json", |p| {
        let points: Vec<_> =
            rows(p).map(|(t, v)| json!({"asDouble": v, "timeUnixNano": (t as u64 * 1_000_000).to_string()})).collect();
        json!({"resourceMetrics": [{"resource": {"attributes": []}, "scopeMetrics": [{"metrics": [
            {"name": "process.memory.usage", "unit": "By", "gauge": {"dataPoints": points}}]}]}]})
        .to_string()
    }),
    ("netdata-csv", |p| {
        let mut out = String::from("time,used\n");
        for (t, v) in rows(p).rev() {
            out += &format!("{},{v}\n", format_datetime(t, 0));
        }
        out
    }),
    ("netdata-json", |p| {
        let mut table = vec![json!(["time", "used"])];
        table.extend(rows(p).rev().map(|(t, v)| json!([t, v])));
        serde_json::Value::Array(table).to_string()
    }),
    ("zabbix-history", |p| {
        let result: Vec<_> = rows(p)
            .map(|(t, v)| json!({"itemid": "1", "clock": (t / 1000).to_string(), "ns": "0", "value": v.to_string()}))
            .collect();
        json!({"jsonrpc": "2.0", "result": result, "id": 1}).to_string()
    }),
    ("zabbix-export-ndjson", |p| {
        rows(p)
            .map(|(t, v)| {
                json!({"host": {"host": "h", "name": "h"}, "itemid": 1, "name": "used memory",
                "clock": t / 1000, "ns": 0, "value": v, "type": 0})
                .to_string()
                    + "\n"
            })
            .collect()
    }),
];

#[test]
fn one_series_round_trips_through_every_format() {
    let points = synthetic();
    let mut covered: Vec<&str> = Vec::new();
    for (id, write) in WRITERS {
        let text = write(&points);
        for bytes in [text.as_bytes().to_vec(), gzip(text.as_bytes())] {
            let parsed = parse_bytes("export", &bytes).unwrap_or_else(|e| panic!("{id}: {e}\n{text}"));
            assert_eq!(parsed.format, *id, "{text}");
            assert_eq!(parsed.series.len(), 1, "{id}");
            let s = &parsed.series[0];
            assert_eq!(s.times_ms, points.times_ms, "{id}");
            assert_eq!(s.values.len(), points.values.len(), "{id}");
            for (got, want) in s.values.iter().zip(&points.values) {
                assert!((got - want).abs() <= want.abs() * 1e-12, "{id}: {got} != {want}");
            }
        }
        covered.push(id);
    }
    // Every registered format but the point-in-time ones (a vector holds one point per series)
    // and the panel JSON (no data at all) takes part.
    for format in FORMATS {
        if !["prometheus-vector", "grafana-panel-json"].contains(&format.id) && format.id.contains('-') {
            assert!(covered.contains(&format.id) || !is_mine(format.id), "{} has no round-trip writer", format.id);
        }
    }
}

/// The formats this suite owns (log formats registered by other modules have their own tests).
fn is_mine(id: &str) -> bool {
    [
        "prometheus",
        "promtool",
        "openmetrics",
        "grafana",
        "datadog",
        "cloudwatch",
        "influx",
        "azure",
        "gcp",
        "otlp",
        "netdata",
        "zabbix",
        "generic",
    ]
    .iter()
    .any(|p| id.starts_with(p))
}

// ---------------------------------------------------------------------------------------------
// Errors: one message, naming the place and the expectation.

fn error(name: &str, bytes: &[u8]) -> String {
    match parse_bytes(name, bytes) {
        Ok(p) => panic!("{name}: expected an error, parsed {} series as {}", p.series.len(), p.format),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_input_gets_one_precise_message() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("blank.json", b" \n\n", "blank.json: the file is empty"),
        ("dump.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00", "dump.bin:1: binary data"),
        ("bad.bin", &[0x80, 0x81, 0xfe, 0x41], "bad.bin:1: binary data or an encoding other than UTF-8"),
        (
            "q.json",
            b"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\n\"result\":[{\"metric\":{},\"values\":[[1723700000,\"1\"]",
            "q.json:2: invalid JSON: EOF while parsing",
        ),
        ("t.json", b"{\"foo\":\n[1, 2", "t.json:2: invalid JSON"),
        ("x.csv", b"host,region\nweb-1,eu\nweb-2,us\n", "x.csv:1: no time column: expected a column named time"),
        ("y.csv", b"time,host\n1723700000,a\n1723700060,b\n", "y.csv:1: no numeric column"),
        (
            "z.csv",
            b"time,rss\n2024-08-15T05:33:20Z,1\nyesterday,2\n",
            "z.csv:3: expected a timestamp in column \"time\" (RFC 3339, YYYY-MM-DD HH:MM:SS or epoch), found \"yesterday\"",
        ),
        ("v.csv", b"time,rss\n1723700000,1\n1723700060,lots\n", "v.csv:3: expected a number in column \"rss\", found \"lots\""),
        (
            "shape.json",
            b"{\"items\": [{\"t\": 1, \"v\": 2}]}",
            "shape.json: at $: a JSON document of an unknown shape; known shapes: Prometheus query_range",
        ),
        (
            "prom.json",
            b"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1723700000,\"1\"]]},{\"metric\":{\"pod\":\"b\"},\"values\":[[1723700000,\"1\"],[1723700060,\"2\"],[1723700120,\"n/a\"]]}]}}",
            "prom.json: at $.data.result[1].values[2][1]: expected a number, found \"n/a\"",
        ),
        (
            "prom_err.json",
            b"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\"\"}",
            "prom_err.json: at $: the Prometheus API answered with an error, not data: invalid parameter \"query\"",
        ),
        (
            "dd.json",
            b"{\"series\":[{\"metric\":\"m\",\"pointlist\":[[1723700000000,1],[1723700060000]]}]}",
            "dd.json: at $.series[0].pointlist[1]: expected a [time_ms, value] pair",
        ),
        (
            "cw.json",
            b"{\"MetricDataResults\":[{\"Id\":\"m\",\"Timestamps\":[\"2024-08-15T05:33:20Z\",\"soon\"],\"Values\":[1,2]}]}",
            "cw.json: at $.MetricDataResults[0].Timestamps[1]: expected a timestamp (epoch number or RFC 3339 text), found \"soon\"",
        ),
        (
            "frames.json",
            b"{\"frames\":[{\"schema\":{\"fields\":[{\"name\":\"Value\",\"type\":\"number\"}]},\"data\":{\"values\":[[1]]}}]}",
            "frames.json: at $.frames[0].schema.fields: expected a field of type \"time\" in this frame",
        ),
        (
            "scrape.prom",
            b"# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2e+07\n",
            "scrape.prom:2: samples without timestamps: a single scrape has no time axis",
        ),
        (
            "dump.txt",
            b"{__name__=\"m\", a=\"b\"} 1 0\n{__name__=\"m\", a=\"b\"} 2 60000\n{__name__=\"m\" 3 120000\n",
            "dump.txt:3: expected a sample `metric{label=\"value\"} value timestamp`",
        ),
        (
            "flux.csv",
            b"#datatype,string,long,dateTime:RFC3339,double\n,result,table,_time,_value\n,,0,2024-08-15T05:33:20Z,1\n,,0,later,2\n",
            "flux.csv:4: expected an RFC 3339 time in column \"_time\", found \"later\"",
        ),
        (
            "zbx.ndjson",
            b"{\"itemid\":1,\"clock\":1723700000,\"ns\":0,\"value\":1,\"type\":0}\n{\"itemid\":1,\"clock\":\"x\",\"value\":2,\"type\":0}\n",
            "zbx.ndjson:2: at $.clock: expected an epoch timestamp",
        ),
    ];
    for (name, bytes, want) in cases {
        let got = error(name, bytes);
        assert!(got.starts_with(want), "{name}:\n  got:  {got}\n  want: {want}…");
        assert!(!got.contains('\n'), "{name}: one line: {got}");
        // The page and the CLI give the bytes up (`parse_owned`): the same message.
        let owned = parse_owned(name, bytes.to_vec(), &IngestOptions::default()).err().map(|e| e.to_string());
        assert_eq!(owned.as_deref(), Some(got.as_str()), "{name}");
    }
}

/// `parse_owned`, which frees a JSON export's bytes once its tree is built and then reads the
/// tree alone, gives what `parse` gives, for every fixture (the JSON ones go through the freeing
/// path: a parser that still read the text, or a tree not handed over, would fail here).
#[test]
fn every_fixture_parses_the_same_from_owned_bytes() {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let options = IngestOptions::default();
        match (parse(&name, &bytes, &options), parse_owned(&name, bytes, &options)) {
            (Ok(a), Ok(b)) => {
                assert_eq!((a.format, &a.series, &a.warnings), (b.format, &b.series, &b.warnings), "{name}");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            (a, b) => panic!("{name}: parse {:?}, parse_owned {:?}", a.map(|p| p.format), b.map(|p| p.format)),
        }
    }
}

#[test]
fn a_grafana_panel_says_which_export_to_use() {
    let got = error("panel.json", &read("grafana_panel.json"));
    assert!(got.starts_with("panel.json: at $: this is a Grafana panel or dashboard definition"), "{got}");
    assert!(got.contains("Inspect → Data → Download CSV") && got.contains("DataFrame JSON"), "{got}");
}

#[test]
fn unknown_shapes_list_the_known_ones() {
    let got = error("k8s.json", b"{\"kind\":\"PodMetrics\",\"containers\":[]}");
    for label in
        ["Prometheus query_range", "Grafana DataFrame JSON", "Datadog query API v1", "CloudWatch get-metric-data"]
    {
        assert!(got.contains(label), "{got}");
    }
}

#[test]
fn otlp_file_exporter_lines_merge_into_series() {
    let line = |t: i64, v: f64| {
        json!({"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
            "scopeMetrics": [{"metrics": [{"name": "process.memory.usage", "unit": "MiBy",
            "gauge": {"dataPoints": [{"asDouble": v, "timeUnixNano": (t * 1_000_000).to_string()}]}}]}]}]})
        .to_string()
    };
    let text = format!("{}\n{}\n", line(T0_MS, 1.0), line(T0_MS + 60_000, 2.0));
    let parsed = parse_bytes("otel.jsonl", text.as_bytes()).unwrap();
    assert_eq!(parsed.format, "otlp-json");
    assert_eq!(parsed.series.len(), 1);
    assert_eq!(parsed.series[0].values, vec![MIB, 2.0 * MIB]);
    assert_eq!(parsed.series[0].unit, Unit::Bytes);
}
