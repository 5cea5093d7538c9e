//! `cargo xtask setup`: the system packages every part of the project needs, in one place.

use std::process::Command;

/// A part of the project and the Debian packages it needs beyond the Rust toolchain.
struct Requirement {
    part: &'static str,
    packages: &'static [&'static str],
}

/// Every system package the project needs, by the part that needs it. The cores and the
/// command line are pure Rust; frontends and toolchains that link system libraries or
/// drive outside programs add theirs here.
const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        part: "C programs compiled to wasm32 for the runtime's tests and benchmarks",
        packages: &[
            "clang-22",
            "lld-22",
            "wasi-libc",
            "libclang-rt-22-dev-wasm32",
        ],
    },
    Requirement {
        part: "desktop frontend (SDL2 window, ALSA audio, gamepads) and its window tests",
        packages: &[
            "libsdl2-dev",
            "libasound2-dev",
            "libudev-dev",
            "xvfb",
            "imagemagick",
            "xdotool",
        ],
    },
    Requirement {
        part: "browser frontend (wasm32 std from Debian's rustc-web) and its headless-browser test",
        packages: &[
            "rustc-web",
            "cargo-web",
            "rust-web-src",
            "lld-22",
            "chromium",
            "chromium-driver",
        ],
    },
];

/// Checks every requirement and installs what is missing: the system packages, then the
/// page's node packages (Binaryen's wasm-opt builds the browser bundle and the loop apps
/// the tests run).
pub fn run() -> Result<(), String> {
    install_system_packages()?;
    crate::web::install_node_packages(&crate::project_root().join("web"))
}

fn install_system_packages() -> Result<(), String> {
    let wanted: Vec<&str> = REQUIREMENTS
        .iter()
        .flat_map(|r| r.packages.iter().copied())
        .collect();
    for requirement in REQUIREMENTS {
        println!(
            "setup: {} needs {}",
            requirement.part,
            requirement.packages.join(" ")
        );
    }
    let missing = missing_packages(&wanted)?;
    if missing.is_empty() {
        println!("setup: every system package the project needs is installed");
        return Ok(());
    }
    if !running_as_root() {
        return Err(format!(
            "missing system packages; run: sudo apt-get update && sudo apt-get install -y {}",
            missing.join(" ")
        ));
    }
    println!("setup: installing {}", missing.join(" "));
    run_command(Command::new("apt-get").arg("update").arg("-q"))?;
    run_command(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// The packages of `wanted` that dpkg does not report as installed.
fn missing_packages<'a>(wanted: &[&'a str]) -> Result<Vec<&'a str>, String> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let output = Command::new("dpkg-query")
        .args(["--show", "--showformat=${Package} ${db:Status-Abbrev}\n"])
        .args(wanted)
        .output()
        .map_err(|err| format!("cannot run dpkg-query (is this Debian or Ubuntu?): {err}"))?;
    let listing = String::from_utf8_lossy(&output.stdout);
    let installed = installed_from_dpkg(&listing);
    Ok(wanted
        .iter()
        .copied()
        .filter(|package| !installed.contains(package))
        .collect())
}

/// Parses `dpkg-query --showformat='${Package} ${db:Status-Abbrev}'` lines into the names
/// of the packages that are installed (status `ii`).
fn installed_from_dpkg(listing: &str) -> Vec<&str> {
    listing
        .lines()
        .filter_map(|line| {
            let (package, status) = line.split_once(' ')?;
            status
                .trim()
                .starts_with("ii")
                .then(|| package.split(':').next().unwrap_or(package))
        })
        .collect()
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

pub(crate) fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|err| format!("cannot run {command:?}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fully_installed_packages_count() {
        let listing = "libsdl2-dev:amd64 ii \nxvfb rc \nclang-22 un \nlld-22 ii \n";
        assert_eq!(installed_from_dpkg(listing), ["libsdl2-dev", "lld-22"]);
    }
}
