use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: pcsim::huge_pages::HugePages = pcsim::huge_pages::HugePages;

fn main() -> ExitCode {
    let cli = pcsim::cli::Cli::parse();
    match pcsim::cli::run(cli, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
