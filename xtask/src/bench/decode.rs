//! `decode_ratio`: the generated response types against `serde_json::Value`, over the largest
//! response examples of the committed IR (the `result` of each, as text).

use anyhow::{Result, bail};
use bitrix24_api::imopenlines::{
    ConfigGetResponse, ConfigListGetResponse, DialogGetResponse, SessionHistoryGetResponse,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::report::{Report, Row};
use super::stats::{Spread, alternate, ratios, time};

/// Decodes of each example per round, so a round lasts long enough to time.
const REPEATS: usize = 2_000;

/// One example and the typed decode of its method.
struct Sample {
    method: &'static str,
    text: String,
    typed: fn(&str) -> bool,
}

fn typed<T: DeserializeOwned>(text: &str) -> bool {
    serde_json::from_str::<T>(text)
        .map(std::hint::black_box)
        .is_ok()
}

/// The methods with the largest response examples in the IR (5, 4, 1.7 and 1 KB).
fn samples() -> Result<Vec<Sample>> {
    let spec = bitrix24_ir::committed();
    let example = |method: &str| -> Result<String> {
        let value = spec
            .pages
            .iter()
            .filter(|page| page.names.iter().any(|n| n == method))
            .filter_map(|page| page.response.as_ref())
            .flat_map(|response| &response.examples)
            .filter_map(|example| example.value.as_ref()?.get("result"))
            .max_by_key(|result| result.to_string().len());
        match value {
            Some(result) => Ok(result.to_string()),
            None => bail!("the IR has no response example for {method}"),
        }
    };
    let sample = |method, typed: fn(&str) -> bool| -> Result<Sample> {
        Ok(Sample {
            method,
            text: example(method)?,
            typed,
        })
    };
    Ok(vec![
        sample(
            "imopenlines.session.history.get",
            typed::<SessionHistoryGetResponse>,
        )?,
        sample("imopenlines.config.get", typed::<ConfigGetResponse>)?,
        sample("imopenlines.dialog.get", typed::<DialogGetResponse>)?,
        sample(
            "imopenlines.config.list.get",
            typed::<ConfigListGetResponse>,
        )?,
    ])
}

pub fn measure(rounds: usize, report: &mut Report) -> Result<()> {
    let samples = samples()?;
    for sample in &samples {
        if !(sample.typed)(&sample.text) {
            bail!(
                "the example of {} does not decode into its type",
                sample.method
            );
        }
    }
    let typed_pass = || {
        time(|| {
            for _ in 0..REPEATS {
                for sample in &samples {
                    (sample.typed)(&sample.text);
                }
            }
        })
    };
    let value_pass = || {
        time(|| {
            for _ in 0..REPEATS {
                for sample in &samples {
                    let _ = std::hint::black_box(serde_json::from_str::<Value>(&sample.text));
                }
            }
        })
    };
    let (typed_s, value_s) = alternate(rounds, typed_pass, value_pass);
    let ratio = Spread::of(&ratios(&typed_s, &value_s));
    let bytes: usize = samples.iter().map(|s| s.text.len()).sum();
    let per_pass_us = |s: &[f64]| {
        Spread::of(
            &s.iter()
                .map(|s| s * 1e6 / REPEATS as f64)
                .collect::<Vec<_>>(),
        )
    };
    report.key("decode_ratio", ratio.median);
    report.key(
        "decode",
        serde_json::json!({
            "methods": samples.iter().map(|s| s.method).collect::<Vec<_>>(),
            "bytes": bytes, "ratio": ratio,
            "typed_us_per_pass": per_pass_us(&typed_s), "value_us_per_pass": per_pass_us(&value_s),
        }),
    );
    report.row(
        Row {
            figure: "`decode_ratio`".into(),
            value: ratio.show(2),
            goal: None,
            note: format!(
                "typed vs `Value` over the {} largest response examples ({bytes} bytes), µs per pass: {} vs {}",
                samples.len(),
                per_pass_us(&typed_s).show(1),
                per_pass_us(&value_s).show(1)
            ),
        },
        None,
    );
    Ok(())
}
