//! `bitrix24-sim`: a simulated Bitrix24 portal on 127.0.0.1 with demo open-line data.

use std::time::Duration;

use bitrix24_sim::config::DEFAULT_WEBHOOK_SECRET;
use bitrix24_sim::{
    BatchBilling, Latency, OperatingLimit, RateLimit, Secret, SimConfig, Simulator,
};
use clap::{Parser, ValueEnum};

#[derive(Parser, Debug)]
#[command(version, about = "A local simulated Bitrix24 portal")]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Secret of user 1's webhook.
    #[arg(long, default_value = DEFAULT_WEBHOOK_SECRET)]
    webhook_secret: String,
    /// Turn the request-rate limit off.
    #[arg(long)]
    no_rate_limit: bool,
    /// Requests accepted in a burst before 503 QUERY_LIMIT_EXCEEDED.
    #[arg(long, default_value_t = 50.0)]
    rate_burst: f64,
    /// Requests per second the bucket drains.
    #[arg(long, default_value_t = 2.0)]
    rate_drain: f64,
    /// Turn the operating-time limit off.
    #[arg(long)]
    no_operating_limit: bool,
    /// Seconds of operating time per method and caller within the window.
    #[arg(long, default_value_t = 480.0)]
    operating_budget: f64,
    /// Length of the operating-time window, in seconds.
    #[arg(long, default_value_t = 600)]
    operating_window: u64,
    /// Simulated seconds every call costs.
    #[arg(long, default_value_t = 0.0)]
    operating_cost: f64,
    /// Who is billed for a batch.
    #[arg(long, value_enum, default_value_t = Billing::Inner)]
    batch_billing: Billing,
    /// OAuth access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    access_token_lifetime: u64,
    /// OAuth refresh-token lifetime in seconds.
    #[arg(long, default_value_t = 180 * 86_400)]
    refresh_token_lifetime: u64,
    /// Refuse webhook calls that did not come over HTTPS.
    #[arg(long)]
    https_required: bool,
    /// Start without demo data.
    #[arg(long)]
    empty: bool,
    /// Add this many employees, so that `user.get` pages through a large list.
    #[arg(long, default_value_t = 0)]
    seed_users: usize,
    /// Start with this many CRM deals, so that `crm.deal.list` pages through a large list.
    #[arg(long, default_value_t = 0)]
    deals: usize,
    /// Delay every `/rest/` call by a round trip of MEAN[,JITTER] milliseconds, like a WAN.
    #[arg(long, value_name = "MEAN[,JITTER]")]
    latency: Option<Latency>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Billing {
    /// Each batch command is billed to its method (the platform).
    Inner,
    /// The batch itself is billed.
    Batch,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut config = SimConfig {
        https_required: args.https_required,
        demo_data: !args.empty,
        seed_users: args.seed_users,
        seed_deals: args.deals,
        latency: args.latency,
        ..SimConfig::default()
    };
    config.webhooks[0].secret = Secret(args.webhook_secret.clone());
    config.rate_limit = (!args.no_rate_limit).then_some(RateLimit {
        burst: args.rate_burst,
        drain_per_second: args.rate_drain,
    });
    config.operating_limit = (!args.no_operating_limit).then(|| OperatingLimit {
        budget: args.operating_budget,
        window: Duration::from_secs(args.operating_window),
        default_cost: args.operating_cost,
        batch_billing: match args.batch_billing {
            Billing::Inner => BatchBilling::InnerCalls,
            Billing::Batch => BatchBilling::Batch,
        },
        ..OperatingLimit::default()
    });
    config.app.access_token_lifetime = Duration::from_secs(args.access_token_lifetime);
    config.app.refresh_token_lifetime = Duration::from_secs(args.refresh_token_lifetime);

    let sim = Simulator::builder()
        .config(config)
        .port(args.port)
        .start()
        .await?;
    let tokens = sim.issue_tokens(1);
    println!("webhook: {}", sim.webhook_url());
    println!("rest: {}", sim.rest_url());
    println!(
        "oauth: client_id={} refresh_token={} token_url={}",
        tokens.client_id,
        tokens.refresh_token,
        sim.token_url()
    );
    println!("admin: {}/_sim/", sim.base_url());
    tracing::info!(address = %sim.address(), "simulator running; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
