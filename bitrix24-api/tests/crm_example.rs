//! The steps of `examples/crm.rs` against the simulated portal: the walk by ID reads every seeded deal
//! exactly once in `n / 50 + 1` requests (the last page is short, or empty when `n` is a multiple of 50),
//! and the batch of gets, an add and a get through `$result[...]` is a single request.

// The example's `main` and printing helpers are not called here.
#[allow(dead_code)]
#[path = "../examples/crm.rs"]
mod example;

use bitrix24_api::{Client, Error};
use bitrix24_sim::Simulator;

async fn portal(deals: usize) -> (Simulator, Client) {
    let sim = Simulator::builder().deals(deals).start().await.unwrap();
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .build()
        .unwrap();
    (sim, client)
}

fn requests(sim: &Simulator) -> u64 {
    sim.counters().requests
}

fn calls(sim: &Simulator, method: &str) -> u64 {
    sim.counters().methods.get(method).map_or(0, |m| m.calls)
}

#[tokio::test]
async fn the_walk_reads_every_deal_once_in_one_request_per_page() {
    for deals in [example::SEEDED_DEALS, 100, 49, 0] {
        let (sim, client) = portal(deals).await;
        let walked = example::every_deal(&client).await.unwrap();
        let ids: Vec<i64> = walked.iter().map(|d| d.id.unwrap()).collect();
        assert_eq!(ids, (1..=deals as i64).collect::<Vec<_>>(), "{deals} deals");
        assert!(
            walked
                .iter()
                .all(|d| d.title.is_some() && d.stage_id.is_some())
        );
        assert!(
            walked.iter().all(|d| d.comments.is_none()),
            "only the selected fields"
        );
        let expected = deals as u64 / 50 + 1;
        assert_eq!(requests(&sim), expected, "{deals} deals");
        assert_eq!(calls(&sim, "crm.deal.list"), expected);
    }
}

#[tokio::test]
async fn the_first_page_counts_what_the_filter_keeps() {
    let (sim, client) = portal(example::SEEDED_DEALS).await;
    let (on_page, total) = example::won_deals_page(&client).await.unwrap();
    let walked = example::every_deal(&client).await.unwrap();
    let won_over_5000 = walked
        .iter()
        .filter(|d| d.stage_id.as_deref() == Some("WON") && d.opportunity > Some(5000.0))
        .count();
    assert!(won_over_5000 > 0);
    assert_eq!((on_page, total), (won_over_5000, won_over_5000 as u64));
    assert_eq!(requests(&sim), 1 + 3);
}

#[tokio::test]
async fn the_batch_is_one_request_with_typed_answers() {
    let (sim, client) = portal(example::SEEDED_DEALS).await;
    let outcome = example::batch(&client, &[5, 60, 117]).await.unwrap();
    assert_eq!(requests(&sim), 1, "one HTTP request");
    assert_eq!(calls(&sim, "batch"), 1);
    assert_eq!(
        calls(&sim, "crm.deal.get"),
        5,
        "three ids, the missing one, the read-back"
    );
    assert_eq!(calls(&sim, "crm.deal.add"), 1);

    let got: Vec<i64> = outcome.got[..3]
        .iter()
        .map(|d| d.as_ref().unwrap().id.unwrap())
        .collect();
    assert_eq!(got, [5, 60, 117]);
    match &outcome.got[3] {
        Err(Error::Method(e)) => assert_eq!(e.description, "Not found"),
        other => panic!("deal 999999: {other:?}"),
    }
    let added = example::SEEDED_DEALS as i64 + 1;
    assert_eq!(outcome.added, added);
    assert_eq!(outcome.read_back.id, Some(added));
    assert_eq!(
        outcome.read_back.title.as_deref(),
        Some("Follow-up of deal 5")
    );
    assert_eq!(outcome.read_back.opportunity, Some(2500.0));
    assert_eq!(outcome.read_back.currency_id.as_deref(), Some("EUR"));
}
