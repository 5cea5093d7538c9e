//! A stand-alone process running the server with the same flags as `heirloom serve`.
//! The integration tests start it when they need a separate process (to `kill -9` it);
//! it is also handy for trying the server without the full command line tool.

use clap::Parser;

/// Runs the Heirloom HTTPS server.
#[derive(Parser)]
#[command(name = "heirloom-server-test")]
struct Cli {
    #[command(flatten)]
    serve: heirloom_server::ServeArgs,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = heirloom_server::serve(cli.serve) {
        eprintln!("heirloom-server-test: {e}");
        std::process::exit(1);
    }
}
