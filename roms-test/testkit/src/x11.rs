//! Tests of a real window: an X server in memory (Xvfb), windows found and keys typed with
//! xdotool, pictures captured with ImageMagick's `import`, and the captured pixels compared
//! with a core's framebuffer scaled as a frontend shows it.
//!
//! Every helper panics when a tool misbehaves: they are meant for tests, which call
//! [`tools_present`] first and skip (loudly) when the tools are not installed.

use std::io::{BufRead, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use heirloom_shell::Framebuffer;

/// The size of the screen [`start_xvfb`] gives its X server, in pixels.
pub const SCREEN_SIZE: (u32, u32) = (1024, 768);

/// The PAL C64's pixel aspect: each pixel is 0.9365 times as wide as it is tall.
pub const PAL_PIXEL_ASPECT: f64 = 0.9365;

/// A command a test runs, and the Debian package that installs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tool {
    /// The command's name, looked up on `PATH`.
    pub command: &'static str,
    /// The package that provides it.
    pub package: &'static str,
}

/// What the helpers of this module run: Xvfb, xdotool and ImageMagick's `import`.
pub const WINDOW_TOOLS: [Tool; 3] = [
    Tool {
        command: "Xvfb",
        package: "xvfb",
    },
    Tool {
        command: "xdotool",
        package: "xdotool",
    },
    Tool {
        command: "import",
        package: "imagemagick",
    },
];

/// Whether every one of `tools` is installed. When one is not, prints a loud `SKIPPED`
/// line naming `what` (e.g. `"the drop test"`), the missing commands and the packages to
/// install, and returns `false`; under `CI=true` it panics instead.
pub fn tools_present(what: &str, tools: &[Tool]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .map(|tool| tool.command)
        .filter(|command| {
            Command::new("sh")
                .args(["-c", &format!("command -v {command}")])
                .stdout(Stdio::null())
                .status()
                .map_or(true, |status| !status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let mut packages: Vec<&str> = Vec::new();
    for tool in tools {
        if !packages.contains(&tool.package) {
            packages.push(tool.package);
        }
    }
    let message = format!(
        "SKIPPED: {what} needs {} (apt-get install {})",
        missing.join(", "),
        packages.join(" ")
    );
    assert!(
        !crate::running_under_ci(),
        "{message} (CI=true: missing tools are a failure)"
    );
    eprintln!("{message}");
    false
}

/// A child process, ended and reaped when dropped: asked to terminate (so that Xvfb
/// removes its lock file and socket), killed if it has not within two seconds.
#[derive(Debug)]
pub struct Guard(
    /// The process.
    pub Child,
);

impl Guard {
    /// Waits up to `limit` for the process to end by itself; its status if it did.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.0.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            if self.wait_for_exit(Duration::from_secs(2)).is_none() {
                let _ = self.0.kill();
            }
        }
        let _ = self.0.wait();
    }
}

/// Runs a short command to its end, killing it after ten seconds: whether it succeeded,
/// and what it wrote to its standard output (its errors are discarded).
///
/// # Panics
/// If the command cannot be started.
pub fn run_briefly(command: &mut Command) -> (bool, String) {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the tool starts");
    let mut guard = Guard(child);
    let status = guard.wait_for_exit(Duration::from_secs(10));
    let mut out = String::new();
    if let Some(mut stdout) = guard.0.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    (status.is_some_and(|status| status.success()), out)
}

/// Starts Xvfb with a [`SCREEN_SIZE`] screen of 24-bit colour on a display number it
/// finds free itself (`-displayfd`: it writes the number once it accepts connections, so
/// two test runs at once never share a server). The server, and its display name (`:N`)
/// for `DISPLAY`.
///
/// # Panics
/// If Xvfb cannot be started or does not report a display within twenty seconds.
pub fn start_xvfb() -> (Guard, String) {
    let (width, height) = SCREEN_SIZE;
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0"])
        .arg(format!("{width}x{height}x24"))
        .args(["-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let stdout = child.stdout.take().expect("Xvfb's output is piped");
    let xvfb = Guard(child);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let number = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("Xvfb reports its display number");
    let number = number.trim();
    assert!(
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        "Xvfb did not start (it said {number:?})"
    );
    (xvfb, format!(":{number}"))
}

/// Why [`find_window`] found no window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoWindow {
    /// The process that should open it ended first, with this status.
    Ended(ExitStatus),
    /// None appeared within the time allowed.
    TimedOut,
}

/// Waits up to `limit` for a window whose name matches `pattern` (a regular expression,
/// as xdotool's `search --name` takes it) to appear on `display`, while `app` (the process
/// that opens it) still runs. The window's X id.
pub fn find_window(
    display: &str,
    pattern: &str,
    app: &mut Guard,
    limit: Duration,
) -> Result<u32, NoWindow> {
    let start = Instant::now();
    loop {
        if start.elapsed() >= limit {
            return Err(NoWindow::TimedOut);
        }
        if let Ok(Some(status)) = app.0.try_wait() {
            return Err(NoWindow::Ended(status));
        }
        let (found, out) = run_briefly(
            Command::new("xdotool")
                .args(["search", "--name", pattern])
                .env("DISPLAY", display),
        );
        if found && let Some(id) = out.lines().next().and_then(|id| id.trim().parse().ok()) {
            return Ok(id);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The pixels of `window` on `display` (an X id in decimal, or `"root"` for the whole
/// screen), captured with ImageMagick's `import`, as RGB rows.
///
/// # Panics
/// If `import` fails or writes no picture.
pub fn capture(display: &str, window: &str) -> image::RgbImage {
    static CAPTURES: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "heirloom-capture-{}-{}.png",
        std::process::id(),
        CAPTURES.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    let (ok, _) = run_briefly(
        Command::new("import")
            .args(["-window", window])
            .arg(&path)
            .env("DISPLAY", display),
    );
    assert!(ok, "import failed");
    let picture = image::open(&path)
        .expect("import wrote a picture")
        .to_rgb8();
    let _ = std::fs::remove_file(&path);
    picture
}

/// Compares `window`, a captured window, with `picture` (a core's framebuffer) shown at
/// `scale` display lines per line with pixels `pixel_aspect` times as wide as tall: every
/// line `scale` times, each row stretched to `round(width × pixel_aspect × scale)`
/// pixels, display pixel `x` showing picture pixel `⌊(x + ½) × width / shown width⌋`
/// (the nearest, sampled at the pixel's centre, as SDL's renderers do with the default
/// nearest scale quality), filling the window exactly. What differs, if anything.
pub fn scaled_mismatch(
    window: &image::RgbImage,
    picture: &Framebuffer,
    scale: u32,
    pixel_aspect: f64,
) -> Option<String> {
    let shown_width = (f64::from(picture.width()) * pixel_aspect * f64::from(scale)).round() as u32;
    let shown_height = picture.height() * scale;
    if (window.width(), window.height()) != (shown_width, shown_height) {
        return Some(format!(
            "the window is {}x{}, not {shown_width}x{shown_height}",
            window.width(),
            window.height()
        ));
    }
    let mut wrong = 0u64;
    let mut first = None;
    for (x, y, pixel) in window.enumerate_pixels() {
        let source_x = ((2 * u64::from(x) + 1) * u64::from(picture.width())
            / (2 * u64::from(shown_width))) as u32;
        let [r, g, b, _] = picture.pixel(source_x, y / scale);
        if pixel.0 != [r, g, b] {
            wrong += 1;
            first.get_or_insert((x, y, pixel.0, [r, g, b]));
        }
    }
    first.map(|(x, y, shown, expected)| {
        format!("{wrong} pixels differ, the first at ({x}, {y}): {shown:02x?}, not {expected:02x?}")
    })
}

/// Captures a window with `capture` every 300 ms until it shows one of `pictures` as
/// [`scaled_mismatch`] judges it at `scale` and `pixel_aspect`, for at most `limit`.
/// Otherwise, what differed from each picture the last time.
pub fn wait_for_pictures(
    mut capture: impl FnMut() -> image::RgbImage,
    pictures: &[Framebuffer],
    scale: u32,
    pixel_aspect: f64,
    limit: Duration,
) -> Result<(), String> {
    let start = Instant::now();
    loop {
        let window = capture();
        let mut reasons = Vec::new();
        for picture in pictures {
            match scaled_mismatch(&window, picture, scale, pixel_aspect) {
                None => return Ok(()),
                Some(reason) => reasons.push(reason),
            }
        }
        if start.elapsed() >= limit {
            return Err(reasons.join("; "));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4 × 2 picture with every pixel different.
    fn picture() -> Framebuffer {
        let mut picture = Framebuffer::new(4, 2);
        for y in 0..2 {
            for x in 0..4 {
                picture.set_pixel(x, y, [x as u8 * 60, y as u8 * 100, 7, 0xff]);
            }
        }
        picture
    }

    /// `picture` scaled by hand at scale 3 and aspect 0.75: 9 × 6 pixels, display column
    /// `x` showing picture column `⌊(2x + 1) × 4 / 18⌋`.
    fn scaled(picture: &Framebuffer) -> image::RgbImage {
        let columns = [0, 0, 1, 1, 2, 2, 2, 3, 3];
        image::RgbImage::from_fn(9, 6, |x, y| {
            let [r, g, b, _] = picture.pixel(columns[x as usize], y / 3);
            image::Rgb([r, g, b])
        })
    }

    #[test]
    fn the_picture_scaled_by_hand_matches() {
        let picture = picture();
        assert_eq!(scaled_mismatch(&scaled(&picture), &picture, 3, 0.75), None);
    }

    #[test]
    fn one_wrong_pixel_is_found_and_located() {
        let picture = picture();
        let mut window = scaled(&picture);
        window.put_pixel(5, 4, image::Rgb([1, 2, 3]));
        assert_eq!(
            scaled_mismatch(&window, &picture, 3, 0.75).as_deref(),
            Some("1 pixels differ, the first at (5, 4): [01, 02, 03], not [78, 64, 07]")
        );
    }

    #[test]
    fn a_window_of_another_size_is_named() {
        let picture = picture();
        let window = image::RgbImage::new(8, 6);
        assert_eq!(
            scaled_mismatch(&window, &picture, 3, 0.75).as_deref(),
            Some("the window is 8x6, not 9x6")
        );
    }

    #[test]
    fn waiting_accepts_any_of_the_pictures() {
        let picture = picture();
        let mut other = picture.clone();
        other.set_pixel(0, 0, [9, 9, 9, 0xff]);
        let window = scaled(&picture);
        let pictures = [other.clone(), picture];
        assert_eq!(
            wait_for_pictures(|| window.clone(), &pictures, 3, 0.75, Duration::ZERO),
            Ok(())
        );
        let reasons =
            wait_for_pictures(|| window.clone(), &[other], 3, 0.75, Duration::ZERO).unwrap_err();
        assert!(reasons.starts_with("6 pixels differ"), "{reasons}");
    }

    #[test]
    fn tools_are_looked_up_on_the_path() {
        let shell = Tool {
            command: "sh",
            package: "dash",
        };
        assert!(tools_present("this test", &[shell]));
        let absent = Tool {
            command: "heirloom-no-such-tool",
            package: "nothing",
        };
        let found = std::panic::catch_unwind(|| tools_present("this test", &[shell, absent]));
        // Skipped (false) during development, a failure under CI.
        match found {
            Ok(found) => assert!(!found && !crate::running_under_ci()),
            Err(_) => assert!(crate::running_under_ci()),
        }
    }
}
