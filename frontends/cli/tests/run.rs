//! `heirloom run` in a real window: an X server in memory (Xvfb), keys typed with
//! xdotool, the screen captured with ImageMagick's `import`, and sound sent to ALSA's null
//! device (or to no device at all).
//!
//! Without those tools the tests are skipped loudly; under `CI=true` that is a failure.
//! The screen is judged cell by cell against the text screen of the same C64 run
//! headless with the same typing, and pixel by pixel against that C64's own framebuffer
//! scaled as the window scales it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};
use heirloom_testkit::x11::{
    self, Guard, NoWindow, PAL_PIXEL_ASPECT, SCREEN_SIZE, WINDOW_TOOLS, run_briefly,
};

/// The C64's light blue (border and text) and blue (background), as the core draws them.
const LIGHT_BLUE: [u8; 3] = [0x6c, 0x5e, 0xb5];
const BLUE: [u8; 3] = [0x35, 0x28, 0x79];

/// One window test at a time: they share the machine's two cores with the emulator.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// An X server, a temporary home and working folder, and `heirloom run` in them.
struct Session {
    dir: PathBuf,
    display: String,
    window: String,
    app: Guard,
    _xvfb: Guard,
}

impl Drop for Session {
    fn drop(&mut self) {
        // The app (a field) is ended after this, before the X server it draws on.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Session {
    /// Starts `heirloom run ARGS` with ALSA's default device set by `alsa_default`
    /// (an `.asoundrc` body) and waits for its window.
    fn start(name: &str, alsa_default: &str, args: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("heirloom-run-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".asoundrc"), alsa_default).unwrap();
        let (xvfb, display) = x11::start_xvfb();
        let app = Command::new(env!("CARGO_BIN_EXE_heirloom"))
            .arg("run")
            .args(args)
            .current_dir(&dir)
            .env("DISPLAY", &display)
            .env("HOME", &dir)
            .env_remove("ALSA_CONFIG_PATH")
            .env_remove("SDL_VIDEODRIVER")
            .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
            .spawn()
            .expect("heirloom starts");
        let mut session = Self {
            dir,
            display,
            window: String::new(),
            app: Guard(app),
            _xvfb: xvfb,
        };
        let found = x11::find_window(
            &session.display,
            "^Heirloom",
            &mut session.app,
            Duration::from_secs(30),
        );
        match found {
            Ok(id) => session.window = id.to_string(),
            Err(NoWindow::Ended(status)) => {
                panic!("heirloom run ended ({status}): {}", session.stderr())
            }
            Err(NoWindow::TimedOut) => {
                panic!("no window appeared; stderr: {}", session.stderr())
            }
        }
        session
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    /// Runs xdotool with `args` after giving the window the keyboard focus.
    fn xdotool(&self, args: &[&str]) {
        for command in [&["windowfocus", "--sync", self.window.as_str()][..], args] {
            let (ok, _) = run_briefly(
                Command::new("xdotool")
                    .args(command)
                    .env("DISPLAY", &self.display),
            );
            assert!(ok, "xdotool {command:?} failed");
        }
    }

    /// Types `text` key by key (lower case: the C64's unshifted keys).
    fn type_text(&self, text: &str) {
        self.xdotool(&["type", "--delay", "120", text]);
    }

    fn key(&self, key: &str) {
        self.xdotool(&["key", "--delay", "120", key]);
    }

    /// The window's position and size on the X screen.
    fn geometry(&self) -> (u32, u32, u32, u32) {
        let (ok, out) = run_briefly(
            Command::new("xdotool")
                .args(["getwindowgeometry", "--shell", &self.window])
                .env("DISPLAY", &self.display),
        );
        assert!(ok, "xdotool getwindowgeometry failed");
        let value = |name: &str| -> u32 {
            out.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or_else(|| panic!("no {name} in {out:?}"))
        };
        (value("X"), value("Y"), value("WIDTH"), value("HEIGHT"))
    }

    /// Captures the window until its pixels are one of `pictures` scaled by `scale` with
    /// the PAL aspect (see [`x11::scaled_mismatch`]), for at most `limit`.
    fn wait_for_pixels(&self, pictures: &[Framebuffer], scale: u32, limit: Duration) {
        let (x, y, width, height) = self.geometry();
        let capture_window = || {
            let screen = self.capture();
            assert!(x + width <= screen.width() && y + height <= screen.height());
            image::imageops::crop_imm(&screen, x, y, width, height).to_image()
        };
        x11::wait_for_pictures(capture_window, pictures, scale, PAL_PIXEL_ASPECT, limit)
            .unwrap_or_else(|reasons| panic!("the window's pixels are not the core's: {reasons}"));
    }

    /// The whole X screen as RGB rows.
    fn capture(&self) -> image::RgbImage {
        x11::capture(&self.display, "root")
    }

    /// Captures the screen until its text cells match `expected` (see [`Cells::matches`]),
    /// for at most `limit`; the last cells seen otherwise.
    fn wait_for_cells(&self, expected: &Cells, limit: Duration) -> Result<Cells, String> {
        let start = Instant::now();
        loop {
            let shown = Cells::read(&self.capture());
            match &shown {
                Ok(cells) if cells.matches(expected) => return Ok(shown.unwrap()),
                _ if start.elapsed() > limit => {
                    return Err(match shown {
                        Ok(cells) => format!(
                            "the window shows\n{}\nbut the C64 shows\n{}",
                            cells.render(),
                            expected.render()
                        ),
                        Err(reason) => reason,
                    });
                }
                _ => std::thread::sleep(Duration::from_millis(300)),
            }
        }
    }
}

/// Which of the 40 × 25 character cells hold ink.
#[derive(Clone, PartialEq, Eq)]
struct Cells([[bool; 40]; 25]);

impl Cells {
    /// The cells of a text screen (trailing spaces trimmed, one line per row).
    fn from_text(text: &str) -> Self {
        let mut cells = [[false; 40]; 25];
        for (row, line) in text.lines().take(25).enumerate() {
            for (column, c) in line.chars().take(40).enumerate() {
                cells[row][column] = c != ' ';
            }
        }
        Self(cells)
    }

    /// Finds the blue text area in a screenshot, checks the light blue border around it and
    /// its size (200 lines at a whole scale, 320 pixels at the PAL aspect), and reads
    /// which cells hold light blue ink.
    fn read(screen: &image::RgbImage) -> Result<Self, String> {
        let is = |x: u32, y: u32, colour: [u8; 3]| screen.get_pixel(x, y).0 == colour;
        let (mut left, mut top, mut right, mut bottom) = (u32::MAX, u32::MAX, 0, 0);
        for (x, y, pixel) in screen.enumerate_pixels() {
            if pixel.0 == BLUE {
                left = left.min(x);
                top = top.min(y);
                right = right.max(x);
                bottom = bottom.max(y);
            }
        }
        if left > right {
            return Err("no blue text area on screen".into());
        }
        let (width, height) = (right + 1 - left, bottom + 1 - top);
        if height % 200 != 0 {
            return Err(format!(
                "the text area is {height} lines, not a multiple of 200"
            ));
        }
        let expected_width = 320.0 * PAL_PIXEL_ASPECT * f64::from(height / 200);
        if (f64::from(width) - expected_width).abs() > 2.0 {
            return Err(format!(
                "the text area is {width} wide, not {expected_width:.1} (aspect)"
            ));
        }
        if left < 8 || top < 8 || right + 8 >= SCREEN_SIZE.0 || bottom + 8 >= SCREEN_SIZE.1 {
            return Err("the text area touches the screen's edge".into());
        }
        for (x, y) in [
            (left - 4, top + height / 2),
            (right + 4, top + height / 2),
            (left + width / 2, top - 4),
            (left + width / 2, bottom + 4),
            (left - 4, top - 4),
        ] {
            if !is(x, y, LIGHT_BLUE) {
                return Err(format!("no light blue border at ({x}, {y})"));
            }
        }
        let mut cells = [[false; 40]; 25];
        for (row, cells_row) in cells.iter_mut().enumerate() {
            let y0 = top + row as u32 * height / 25;
            let y1 = top + (row as u32 + 1) * height / 25;
            for (column, cell) in cells_row.iter_mut().enumerate() {
                let x0 = left + column as u32 * width / 40;
                let x1 = left + (column as u32 + 1) * width / 40;
                // Stretched by a non-whole factor, a glyph's edge column may spill one
                // pixel into its neighbour: look inside a margin.
                *cell = (y0 + 1..y1 - 1).any(|y| (x0 + 2..x1 - 2).any(|x| is(x, y, LIGHT_BLUE)));
                let stray =
                    (y0..y1).any(|y| (x0..x1).any(|x| !is(x, y, LIGHT_BLUE) && !is(x, y, BLUE)));
                if stray {
                    return Err(format!(
                        "a colour other than the two blues in cell {column},{row}"
                    ));
                }
            }
        }
        Ok(Self(cells))
    }

    /// Equal but for at most one cell that is blank in `expected`: the blinking cursor.
    fn matches(&self, expected: &Self) -> bool {
        let differences: Vec<(usize, usize)> = (0..25)
            .flat_map(|row| (0..40).map(move |column| (row, column)))
            .filter(|&(row, column)| self.0[row][column] != expected.0[row][column])
            .collect();
        match differences[..] {
            [] => true,
            [(row, column)] => !expected.0[row][column],
            _ => false,
        }
    }

    fn render(&self) -> String {
        self.0
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&ink| if ink { '#' } else { '.' })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A C64 that booted for three seconds and then had `typed` typed, run for six more
/// seconds: its text screen, and the different pictures it showed in the last second
/// (the cursor blinks).
fn c64_after(typed: &str) -> (Cells, Vec<Framebuffer>) {
    let mut core = C64::new(RomSet::open_rom());
    let info = core.info();
    let mut video = Framebuffer::new(info.video_width, info.video_height);
    let mut audio = AudioBuffer::new();
    let mut input = InputState::default();
    let mut pictures: Vec<Framebuffer> = Vec::new();
    for frame in 0..450 {
        if frame == 150 {
            input.text = typed.to_owned();
        }
        audio.clear();
        core.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        input.text.clear();
        if frame >= 400
            && !pictures
                .iter()
                .any(|seen| seen.as_bytes() == video.as_bytes())
        {
            pictures.push(video.clone());
        }
    }
    let text = core.screen_text().expect("the C64 has a text screen");
    (Cells::from_text(&text), pictures)
}

/// The text screen of a C64 that booted for three seconds and then had `typed` typed.
fn c64_screen_after(typed: &str) -> Cells {
    c64_after(typed).0
}

const NULL_AUDIO: &str = "pcm.!default { type null }\n";
/// An ALSA default device that cannot open: a sound card that is not there.
const NO_AUDIO: &str = "pcm.!default { type hw card 99 }\n";
const WAIT: Duration = Duration::from_secs(30);

fn lock() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn boots_to_ready_and_takes_typed_lines() {
    let _one = lock();
    if !x11::tools_present("window tests", &WINDOW_TOOLS) {
        return;
    }
    let session = Session::start("typing", NULL_AUDIO, &[]);
    let booted = c64_screen_after("");
    assert!(booted.0.iter().any(|row| row.contains(&true)));
    session
        .wait_for_cells(&booted, WAIT)
        .unwrap_or_else(|reason| panic!("READY. never showed: {reason}"));

    session.type_text("10 print");
    session.key("Return");
    session.type_text("list");
    session.key("Return");
    let (listed, pictures) = c64_after("10 PRINT\nLIST\n");
    assert_ne!(listed.0, booted.0);
    session
        .wait_for_cells(&listed, WAIT)
        .unwrap_or_else(|reason| panic!("the typed lines never showed: {reason}"));
    // Not just the same text: the same pixels, in the same colours, scaled 2× (the
    // default `--scale`) with the PAL aspect.
    assert!((1..=2).contains(&pictures.len()), "the cursor blinks");
    session.wait_for_pixels(&pictures, 2, WAIT);

    // F1 to F8 are the C64's: F5 no longer resets, Alt+R and Alt+Shift+R do.
    session.type_text("list");
    session.key("F5");
    let typed = c64_screen_after("10 PRINT\nLIST\nLIST");
    session
        .wait_for_cells(&typed, WAIT)
        .unwrap_or_else(|reason| panic!("F5 did not reach the C64: {reason}"));
    session.key("alt+r");
    session
        .wait_for_cells(&booted, WAIT)
        .unwrap_or_else(|reason| panic!("Alt+R did not reset: {reason}"));
    session.type_text("list");
    session.key("alt+shift+r");
    session
        .wait_for_cells(&booted, WAIT)
        .unwrap_or_else(|reason| panic!("Alt+Shift+R did not reset: {reason}"));
}

/// Whether the screen changes (the cursor blinks) within two seconds.
fn screen_changes(session: &Session) -> bool {
    let first = Cells::read(&session.capture()).expect("the text area is on screen");
    (0..7).any(|_| {
        std::thread::sleep(Duration::from_millis(300));
        Cells::read(&session.capture()).expect("the text area is on screen") != first
    })
}

#[test]
fn runs_without_an_audio_device_pauses_and_quits_on_alt_q() {
    let _one = lock();
    if !x11::tools_present("window tests", &WINDOW_TOOLS) {
        return;
    }
    let mut session = Session::start("quit", NO_AUDIO, &[]);
    session
        .wait_for_cells(&c64_screen_after(""), WAIT)
        .unwrap_or_else(|reason| panic!("READY. never showed: {reason}"));
    assert!(screen_changes(&session), "the cursor blinks while running");
    session.key("alt+p");
    std::thread::sleep(Duration::from_millis(200));
    assert!(!screen_changes(&session), "nothing moves while paused");
    session.key("alt+p");
    assert!(
        screen_changes(&session),
        "the cursor blinks again after Alt+P"
    );

    session.key("alt+q");
    let status = session
        .app
        .wait_for_exit(Duration::from_secs(20))
        .expect("heirloom run quits on Alt+Q");
    assert!(status.success(), "exit status {status}");
    let stderr = session.stderr();
    let notices: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("heirloom: running without sound"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice about the sound, in: {stderr}");
}

#[test]
fn type_and_state_options_start_the_machine_where_asked() {
    let _one = lock();
    if !x11::tools_present("window tests", &WINDOW_TOOLS) {
        return;
    }
    let typed = c64_screen_after("print 6*7\n");
    let state = {
        let session = Session::start(
            "type-option",
            NULL_AUDIO,
            &["--mute", "--type", "print 6*7\n"],
        );
        session
            .wait_for_cells(&typed, WAIT)
            .unwrap_or_else(|reason| panic!("--type never showed: {reason}"));
        session.key("alt+s");
        let state = session.dir.join("c64.slot1.state");
        let start = Instant::now();
        while !state.exists() {
            assert!(start.elapsed() < WAIT, "Alt+S wrote no {}", state.display());
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::read(&state).unwrap()
    };
    let file =
        std::env::temp_dir().join(format!("heirloom-run-{}-saved.state", std::process::id()));
    std::fs::write(&file, state).unwrap();
    let session = Session::start(
        "state-option",
        NULL_AUDIO,
        &["--mute", "--state", file.to_str().unwrap()],
    );
    let restored = session.wait_for_cells(&typed, WAIT);
    let _ = std::fs::remove_file(&file);
    restored.unwrap_or_else(|reason| panic!("--state did not restore the screen: {reason}"));
}

#[test]
fn a_broken_state_file_is_refused_before_any_window_opens() {
    let file =
        std::env::temp_dir().join(format!("heirloom-run-{}-broken.state", std::process::id()));
    std::fs::write(&file, b"not a state").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(["run", "--state", file.to_str().unwrap()])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("broken.state"), "{stderr}");
}

#[test]
fn a_saved_state_restores_the_screen_and_f12_saves_the_picture() {
    let _one = lock();
    if !x11::tools_present("window tests", &WINDOW_TOOLS) {
        return;
    }
    let session = Session::start("state", NULL_AUDIO, &["--mute"]);
    let booted = c64_screen_after("");
    session
        .wait_for_cells(&booted, WAIT)
        .unwrap_or_else(|reason| panic!("READY. never showed: {reason}"));
    // Slot 3, chosen with Alt+3, saved with Alt+S.
    session.key("alt+3");
    session.key("alt+s");
    let state = session.dir.join("c64.slot3.state");
    let start = Instant::now();
    while !state.exists() {
        assert!(start.elapsed() < WAIT, "Alt+S wrote no {}", state.display());
        std::thread::sleep(Duration::from_millis(100));
    }

    session.type_text("jump");
    let typed = c64_screen_after("JUMP");
    session
        .wait_for_cells(&typed, WAIT)
        .unwrap_or_else(|reason| panic!("the typing never showed: {reason}"));
    session.key("alt+l");
    session
        .wait_for_cells(&booted, WAIT)
        .unwrap_or_else(|reason| panic!("Alt+L did not bring the saved screen back: {reason}"));
    // Pixel for pixel, once the message line is gone.
    session.wait_for_pixels(&c64_after("").1, 2, WAIT);

    session.key("F12");
    let shot = session.dir.join("c64.shot1.png");
    let start = Instant::now();
    let picture = loop {
        if let Ok(picture) = image::open(&shot) {
            break picture.to_rgb8();
        }
        assert!(start.elapsed() < WAIT, "F12 wrote no {}", shot.display());
        std::thread::sleep(Duration::from_millis(100));
    };
    let info = C64::new(RomSet::open_rom()).info();
    assert_eq!(
        (picture.width(), picture.height()),
        (info.video_width, info.video_height)
    );
    assert_eq!(picture.get_pixel(0, 0).0, LIGHT_BLUE, "the border's colour");
}

#[test]
fn without_a_display_it_says_so_instead_of_running_unseen() {
    let child = Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(["run", "--mute"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SDL_VIDEODRIVER")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("heirloom starts");
    let mut app = Guard(child);
    let status = app
        .wait_for_exit(Duration::from_secs(20))
        .expect("heirloom run gives up without a display");
    let mut stderr = String::new();
    if let Some(mut pipe) = app.0.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("heirloom: no display to open a window on"),
        "{stderr}"
    );
}
