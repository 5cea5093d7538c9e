//! What other X clients hand the window: a `.prg` file dropped onto it the way a file
//! manager drops it, through the X drag and drop protocol (XDND, version 5), and text
//! pasted from the X `CLIPBOARD` selection with Alt+V.
//!
//! The window runs a C64 through the crate's public [`heirloom_sdl::run`], in a second
//! process (this test program started again with `HEIRLOOM_SDL_TEST_WINDOW` set) on an X
//! server in memory (Xvfb). This process plays the other client over its own X connection.
//! No hook in the frontend is involved: the only way in is the X server.
//!
//! - The drop: it owns the `XdndSelection`, sends `XdndEnter` (offering `text/uri-list`)
//!   and `XdndPosition` to the window, waits for SDL's `XdndStatus` accepting the drop,
//!   sends `XdndDrop`, answers SDL's selection request with the file's `file://` URI, and
//!   waits for `XdndFinished`. SDL turns that into its own drop event, the window's loop
//!   loads the file and the C64 autostarts it.
//! - The paste: it owns the `CLIPBOARD` selection holding a line of BASIC, presses Alt+V
//!   with xdotool (through the XTest extension, the window having the keyboard focus) and
//!   answers the selection requests SDL makes for the clipboard's text (`TARGETS`,
//!   `UTF8_STRING` and `STRING` are offered; SDL asks for `UTF8_STRING` into a property of
//!   its own window). The window types the text into the C64, RETURN included.
//!
//! The C64 prints a line; the window, captured with ImageMagick's `import`, must then
//! show the same pixels as a C64 that was given the same program or text headless, scaled
//! as the window scales them. Without Xvfb, xdotool or import the tests are skipped loudly
//! (a failure under `CI=true`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use heirloom_c64::{C64, RomSet};
use heirloom_sdl::{Options, Scaling};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Media};
use heirloom_testkit::x11::{self, Guard, NoWindow, PAL_PIXEL_ASPECT, WINDOW_TOOLS};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ClientMessageEvent, ConnectionExt as _, CreateWindowAux, EventMask, PropMode,
    SELECTION_NOTIFY_EVENT, SelectionNotifyEvent, SelectionRequestEvent, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// Set (to the working folder) in the process that shows the window.
const WINDOW_ROLE: &str = "HEIRLOOM_SDL_TEST_WINDOW";
const TITLE: &str = "Heirloom window test";
/// The window's scale: display lines per C64 line.
const SCALE: u32 = 2;
const WAIT: Duration = Duration::from_secs(40);

/// A test: its name, and the function that runs it in a working folder of its own.
type Test = (&'static str, fn(&Path));

/// The tests.
const TESTS: [Test; 2] = [
    ("a_dropped_program_autostarts", a_dropped_program_autostarts),
    ("pasted_text_is_typed_in", pasted_text_is_typed_in),
];

/// What the clipboard holds in the paste test: a line typed as a person types it (lower
/// case is the C64's unshifted keys), ended by RETURN.
const CLIPBOARD_TEXT: &str = "print \"pasted from x\"\n";

fn main() {
    if let Some(dir) = std::env::var_os(WINDOW_ROLE) {
        show_window(Path::new(&dir));
        return;
    }
    // Behave like a test harness towards `cargo test`'s arguments: a name filter, --list.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--list") {
        for (name, _) in TESTS {
            println!("{name}: test");
        }
        return;
    }
    let filter = args.iter().find(|arg| !arg.starts_with('-'));
    let chosen: Vec<_> = TESTS
        .iter()
        .filter(|(name, _)| filter.is_none_or(|filter| name.contains(filter.as_str())))
        .collect();
    if chosen.is_empty() || !x11::tools_present("the window tests", &WINDOW_TOOLS) {
        return;
    }
    for (name, test) in chosen {
        let folder = Folder::new(name);
        test(&folder.0);
        println!("test {name} ... ok");
    }
}

/// The window's process: a C64 at READY. whose dropped files are loaded into it.
fn show_window(dir: &Path) {
    let options = Options {
        title: TITLE.to_owned(),
        scale: SCALE,
        scaling: Scaling::Integer,
        fullscreen: false,
        symbolic: false,
        sound: false,
        files_base: dir.join("c64"),
        verbose: false,
        warp: false,
        type_text: String::new(),
    };
    let mut open = |path: &Path, core: &mut Box<dyn Core>| {
        let media = Media::from_path(path).map_err(|err| err.to_string())?;
        core.load(media).map_err(|err| err.to_string())
    };
    let core = Box::new(C64::new(RomSet::open_rom()));
    if let Err(err) = heirloom_sdl::run(core, &options, &mut open) {
        eprintln!("{err}");
        std::process::exit(1);
    }
}

/// An X server with the window's process on it, both ended when dropped.
struct Session {
    display: String,
    window: Window,
    app: Guard,
    _xvfb: Guard,
}

impl Session {
    /// Starts Xvfb and the window (its errors go to `dir/stderr`), and waits for the C64 to
    /// show READY.
    fn start(dir: &Path) -> Self {
        let (xvfb, display) = x11::start_xvfb();
        let stderr = dir.join("stderr");
        let app = Command::new(std::env::current_exe().unwrap())
            .env(WINDOW_ROLE, dir)
            .env("DISPLAY", &display)
            .env_remove("SDL_VIDEODRIVER")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("the window's process starts");
        let mut app = Guard(app);
        let window = find_window(&display, &mut app, &stderr);
        let session = Self {
            display,
            window,
            app,
            _xvfb: xvfb,
        };
        let (booted, _) = c64_pictures(None, "");
        session.wait_for_pixels(&booted, "READY.");
        session
    }

    /// Captures the window until it shows one of `pictures` at [`SCALE`] with the PAL
    /// aspect (see [`x11::scaled_mismatch`]).
    fn wait_for_pixels(&self, pictures: &[Framebuffer], what: &str) {
        let window = self.window.to_string();
        x11::wait_for_pictures(
            || x11::capture(&self.display, &window),
            pictures,
            SCALE,
            PAL_PIXEL_ASPECT,
            WAIT,
        )
        .unwrap_or_else(|reasons| panic!("{what} never showed: {reasons}"));
    }

    fn assert_still_open(&mut self) {
        assert!(
            self.app.0.try_wait().unwrap().is_none(),
            "the window is still open"
        );
    }
}

fn a_dropped_program_autostarts(dir: &Path) {
    let program = dir.join("hello.prg");
    std::fs::write(&program, basic_program(10, "PRINT \"DROPPED AND RUN\"")).unwrap();
    let (ran, text) = c64_pictures(Some(&program), "");
    assert!(
        text.contains("DROPPED AND RUN"),
        "the program prints: {text}"
    );

    let mut session = Session::start(dir);
    drop_file(&session.display, session.window, &program);
    session.wait_for_pixels(&ran, "the dropped program's output");
    session.assert_still_open();
}

fn pasted_text_is_typed_in(dir: &Path) {
    let (typed, text) = c64_pictures(None, CLIPBOARD_TEXT);
    assert!(
        text.lines().any(|line| line.trim_end() == "PASTED FROM X"),
        "the typed line prints: {text}"
    );

    let mut session = Session::start(dir);
    let clipboard = Clipboard::own(&session.display, CLIPBOARD_TEXT);
    for args in [
        &["windowfocus", "--sync", &session.window.to_string()][..],
        &["key", "alt+v"],
    ] {
        let (ok, _) = x11::run_briefly(
            Command::new("xdotool")
                .args(args)
                .env("DISPLAY", &session.display),
        );
        assert!(ok, "xdotool {args:?} failed");
    }
    let served = clipboard.wait_for_text();
    assert_ne!(
        served, session.window,
        "SDL asks through a window of its own"
    );
    session.wait_for_pixels(&typed, "the pasted line's output");
    session.assert_still_open();
}

/// A working folder of its own, removed when dropped (also when the test fails).
struct Folder(std::path::PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("heirloom-sdl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A BASIC program of one line, `number text`, as a `.prg` file at $0801 (the keywords in
/// `text` must be given as their tokens; `PRINT` is the only one tokenised here).
fn basic_program(number: u16, text: &str) -> Vec<u8> {
    let mut line: Vec<u8> = number.to_le_bytes().to_vec();
    let body = text.replace("PRINT", "\u{99}");
    line.extend(body.chars().map(|c| c as u32 as u8));
    line.push(0);
    let next = 0x0801 + 2 + line.len() as u16;
    let mut file = vec![0x01, 0x08];
    file.extend(next.to_le_bytes());
    file.extend(line);
    file.extend([0, 0]);
    file
}

/// What a C64 shows once booted, or once `program` (if any) was loaded and `text` typed
/// after booting and they had time to run: the pictures of its last second (the cursor
/// blinks), and its text.
fn c64_pictures(program: Option<&Path>, text: &str) -> (Vec<Framebuffer>, String) {
    let mut core = C64::new(RomSet::open_rom());
    let info = core.info();
    let mut video = Framebuffer::new(info.video_width, info.video_height);
    let mut audio = AudioBuffer::new();
    let mut input = InputState::default();
    let mut pictures: Vec<Framebuffer> = Vec::new();
    for frame in 0..500 {
        input.text.clear();
        if frame == 200 {
            if let Some(path) = program {
                core.load(Media::from_path(path).unwrap()).unwrap();
            }
            input.text.push_str(text);
        }
        audio.clear();
        core.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        if frame >= 450
            && !pictures
                .iter()
                .any(|seen| seen.as_bytes() == video.as_bytes())
        {
            pictures.push(video.clone());
        }
    }
    assert!((1..=2).contains(&pictures.len()), "only the cursor blinks");
    (pictures, core.screen_text().unwrap_or_default())
}

/// A connection to the X server on `display`, and its first screen's root window.
fn connect(display: &str) -> (RustConnection, Window) {
    let (conn, screen) = x11rb::connect(Some(display)).expect("the X server answers");
    let root = conn.setup().roots[screen].root;
    (conn, root)
}

/// The atom named `name` on the X server of `conn`.
fn intern(conn: &impl Connection, name: &str) -> Atom {
    conn.intern_atom(false, name.as_bytes())
        .unwrap()
        .reply()
        .unwrap()
        .atom
}

/// Drops `file` onto `target` as an XDND source would, and waits for the target to say it
/// is done with it.
fn drop_file(display: &str, target: Window, file: &Path) {
    let (conn, root) = connect(display);
    let atom = |name: &str| intern(&conn, name);
    let [
        aware,
        selection,
        enter,
        position,
        status,
        drop,
        finished,
        copy,
        uri_list,
    ] = [
        "XdndAware",
        "XdndSelection",
        "XdndEnter",
        "XdndPosition",
        "XdndStatus",
        "XdndDrop",
        "XdndFinished",
        "XdndActionCopy",
        "text/uri-list",
    ]
    .map(atom);
    let version = conn
        .get_property(false, target, aware, AtomEnum::ATOM, 0, 1)
        .unwrap()
        .reply()
        .unwrap()
        .value32()
        .and_then(|mut values| values.next());
    assert!(
        version.is_some_and(|v| v >= 5),
        "the window accepts drops (XdndAware {version:?})"
    );

    let source = conn.generate_id().unwrap();
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        source,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_OUTPUT,
        0,
        &CreateWindowAux::new(),
    )
    .unwrap();
    conn.set_selection_owner(source, selection, x11rb::CURRENT_TIME)
        .unwrap();
    let send = |kind: u32, data: [u32; 5]| {
        let message = ClientMessageEvent::new(32, target, kind, data);
        conn.send_event(false, target, EventMask::NO_EVENT, message)
            .unwrap();
        conn.flush().unwrap();
    };
    let geometry = conn.get_geometry(target).unwrap().reply().unwrap();
    let middle = conn
        .translate_coordinates(
            target,
            root,
            (geometry.width / 2) as i16,
            (geometry.height / 2) as i16,
        )
        .unwrap()
        .reply()
        .unwrap();
    send(enter, [source, 5 << 24, uri_list, 0, 0]);
    send(
        position,
        [
            source,
            0,
            (u32::from(middle.dst_x as u16) << 16) | u32::from(middle.dst_y as u16),
            x11rb::CURRENT_TIME,
            copy,
        ],
    );

    let uri = format!("file://{}\r\n", file.display());
    let start = Instant::now();
    let mut dropped = false;
    loop {
        assert!(start.elapsed() < WAIT, "the drop was never finished");
        let Some(event) = conn.poll_for_event().unwrap() else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        match event {
            Event::ClientMessage(message) if message.type_ == status && !dropped => {
                let [from, flags, ..] = message.data.as_data32();
                assert_eq!(from, target);
                assert_eq!(flags & 1, 1, "the window accepts the file");
                send(drop, [source, 0, x11rb::CURRENT_TIME, 0, 0]);
                dropped = true;
            }
            Event::SelectionRequest(request) => {
                assert!(dropped, "asked for the file before the drop");
                assert_eq!(request.target, uri_list, "the window wants the URI list");
                conn.change_property8(
                    PropMode::REPLACE,
                    request.requestor,
                    request.property,
                    uri_list,
                    uri.as_bytes(),
                )
                .unwrap();
                let notify = SelectionNotifyEvent {
                    response_type: SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: request.time,
                    requestor: request.requestor,
                    selection: request.selection,
                    target: request.target,
                    property: request.property,
                };
                conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)
                    .unwrap();
                conn.flush().unwrap();
            }
            Event::ClientMessage(message) if message.type_ == finished => {
                assert!(dropped, "finished before the drop");
                let [from, accepted, ..] = message.data.as_data32();
                assert_eq!(from, target);
                assert_eq!(accepted & 1, 1, "the window took the file");
                return;
            }
            _ => {}
        }
    }
}

/// Waits for the test window to appear and gives its X id.
fn find_window(display: &str, app: &mut Guard, stderr: &Path) -> Window {
    match x11::find_window(display, &format!("^{TITLE}$"), app, WAIT) {
        Ok(id) => id,
        Err(NoWindow::Ended(status)) => panic!(
            "the window's process ended ({status}): {}",
            std::fs::read_to_string(stderr).unwrap_or_default()
        ),
        Err(NoWindow::TimedOut) => panic!("no window appeared"),
    }
}

/// The `CLIPBOARD` selection, owned by a window of this process and served from a thread
/// of its own (SDL gives the owner one second to answer) until this is dropped.
struct Clipboard {
    served: Receiver<Served>,
    /// Dropping it tells the thread to stop.
    _serving: Sender<()>,
}

/// What the clipboard's owner did.
enum Served {
    /// It answered a request for `target` (the atom's name) from the window `requestor`,
    /// giving the text (`given`) or refusing.
    Request {
        target: String,
        requestor: Window,
        given: bool,
    },
    /// Another client took the selection over.
    Lost,
}

/// The atoms a clipboard's owner deals in.
#[derive(Clone, Copy)]
struct ClipboardAtoms {
    clipboard: Atom,
    targets: Atom,
    utf8_string: Atom,
}

impl Clipboard {
    /// Makes a window of this process own the `CLIPBOARD` selection on `display`, holding
    /// `text` (ASCII, so that it is the same as `UTF8_STRING` and as `STRING`).
    fn own(display: &str, text: &str) -> Self {
        assert!(text.is_ascii(), "the clipboard's text is ASCII");
        let (conn, root) = connect(display);
        let atom = |name: &str| intern(&conn, name);
        let atoms = ClipboardAtoms {
            clipboard: atom("CLIPBOARD"),
            targets: atom("TARGETS"),
            utf8_string: atom("UTF8_STRING"),
        };
        let owner = conn.generate_id().unwrap();
        conn.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            owner,
            root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new(),
        )
        .unwrap();
        conn.set_selection_owner(owner, atoms.clipboard, x11rb::CURRENT_TIME)
            .unwrap();
        let now = conn
            .get_selection_owner(atoms.clipboard)
            .unwrap()
            .reply()
            .unwrap()
            .owner;
        assert_eq!(now, owner, "this process owns the clipboard");
        let (report, served) = mpsc::channel();
        let (serving, stop) = mpsc::channel();
        let text = text.as_bytes().to_vec();
        std::thread::spawn(move || serve_clipboard(&conn, atoms, &text, &report, &stop));
        Self {
            served,
            _serving: serving,
        }
    }

    /// Waits until the owner gave the text to a window; that window.
    fn wait_for_text(&self) -> Window {
        let start = Instant::now();
        let mut asked = Vec::new();
        loop {
            let left = WAIT.saturating_sub(start.elapsed());
            match self.served.recv_timeout(left) {
                Ok(Served::Request {
                    target,
                    requestor,
                    given,
                }) => {
                    if given && (target == "UTF8_STRING" || target == "STRING") {
                        return requestor;
                    }
                    asked.push(target);
                }
                Ok(Served::Lost) => panic!(
                    "another client took the clipboard over (asked for {asked:?}); SDL does \
                     when the owner does not answer"
                ),
                Err(_) => panic!("the clipboard's text was never asked for (asked for {asked:?})"),
            }
        }
    }
}

/// The clipboard owner's thread: answers every `SelectionRequest` on `conn` (`TARGETS`,
/// `UTF8_STRING` and `STRING` with `text`, anything else refused) and says what it did
/// through `report`, until `stop`'s sender is dropped.
fn serve_clipboard(
    conn: &RustConnection,
    atoms: ClipboardAtoms,
    text: &[u8],
    report: &Sender<Served>,
    stop: &Receiver<()>,
) {
    while !matches!(stop.try_recv(), Err(TryRecvError::Disconnected)) {
        let Some(event) = conn.poll_for_event().unwrap() else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        match event {
            Event::SelectionRequest(request) if request.selection == atoms.clipboard => {
                let given = answer(conn, atoms, text, &request);
                let target = conn.get_atom_name(request.target).unwrap().reply().unwrap();
                let _ = report.send(Served::Request {
                    target: String::from_utf8_lossy(&target.name).into_owned(),
                    requestor: request.requestor,
                    given,
                });
            }
            Event::SelectionClear(clear) if clear.selection == atoms.clipboard => {
                let _ = report.send(Served::Lost);
            }
            _ => {}
        }
    }
}

/// Answers one request for the clipboard as ICCCM asks: the data into the requestor's
/// property (the target itself when an obsolete client names none), then a
/// `SelectionNotify` naming that property, or no property when the target is not offered.
/// Whether the text was given.
fn answer(
    conn: &RustConnection,
    atoms: ClipboardAtoms,
    text: &[u8],
    request: &SelectionRequestEvent,
) -> bool {
    let property = if request.property == x11rb::NONE {
        request.target
    } else {
        request.property
    };
    let string = Atom::from(AtomEnum::STRING);
    let (property, given) = if request.target == atoms.targets {
        conn.change_property32(
            PropMode::REPLACE,
            request.requestor,
            property,
            AtomEnum::ATOM,
            &[atoms.targets, atoms.utf8_string, string],
        )
        .unwrap();
        (property, false)
    } else if request.target == atoms.utf8_string || request.target == string {
        conn.change_property8(
            PropMode::REPLACE,
            request.requestor,
            property,
            request.target,
            text,
        )
        .unwrap();
        (property, true)
    } else {
        (x11rb::NONE, false)
    };
    let notify = SelectionNotifyEvent {
        response_type: SELECTION_NOTIFY_EVENT,
        sequence: 0,
        time: request.time,
        requestor: request.requestor,
        selection: request.selection,
        target: request.target,
        property,
    };
    conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)
        .unwrap();
    conn.flush().unwrap();
    given
}
