//! WASI programs built with clang and wasi-libc using files: in a host folder given with
//! `WasmApp::set_files_dir` and in the per-app folder in memory, on every engine; and
//! hostile programs that try to leave the folder.

mod common;

use std::path::{Path, PathBuf};

use common::{Build, compile_text, run};
use heirloom_shell::{Core, InputState, Media};
use heirloom_wasmapp::{Engine, WasmApp};

/// Writes, appends, reads back, seeks, stats, makes a folder, uses `pread`/`pwrite`,
/// lists, renames and deletes; leaves `kept.txt` behind.
const FILES_PROGRAM: &str = r#"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void list(const char *title) {
    DIR *dir = opendir(".");
    if (!dir) { printf("opendir: errno %d\n", errno); return; }
    printf("%s:", title);
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        printf(" %s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
    }
    printf("\n");
    closedir(dir);
}

int main(void) {
    FILE *f = fopen("scores.txt", "w");
    if (!f) { printf("fopen w: errno %d\n", errno); return 1; }
    fprintf(f, "alice 42\nbob 17\n");
    fclose(f);
    f = fopen("scores.txt", "a");
    fprintf(f, "carol 99\n");
    fclose(f);
    f = fopen("scores.txt", "r");
    char line[64];
    while (fgets(line, sizeof line, f)) printf("read %s", line);
    fseek(f, 9, SEEK_SET);
    fgets(line, sizeof line, f);
    printf("at 9: %s", line);
    printf("tell %ld\n", ftell(f));
    fclose(f);
    struct stat st;
    stat("scores.txt", &st);
    printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    printf("mkdir %d\n", mkdir("saves", 0755));
    f = fopen("saves/slot1.dat", "wb");
    fwrite("abcdef", 1, 6, f);
    fclose(f);
    int fd = open("saves/slot1.dat", O_RDWR);
    pwrite(fd, "XY", 2, 2);
    char buf[8] = {0};
    ssize_t n = pread(fd, buf, 7, 0);
    printf("pread %d %s, pos %ld\n", (int)n, buf, (long)lseek(fd, 0, SEEK_CUR));
    fstat(fd, &st);
    printf("fstat size %lld\n", (long long)st.st_size);
    close(fd);
    list("list");
    printf("rename %d\n", rename("scores.txt", "saves/high.txt"));
    printf("old gone %d\n", access("scores.txt", F_OK) == -1 && errno == ENOENT);
    f = fopen("saves/high.txt", "r");
    fgets(line, sizeof line, f);
    fclose(f);
    printf("moved %s", line);
    f = fopen("missing.txt", "r");
    printf("missing %d\n", f == NULL && errno == ENOENT);
    fd = open("new.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    int again = open("new.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    printf("excl %d %d\n", fd >= 0, again == -1 && errno == EEXIST);
    close(fd);
    printf("rmdir full %d\n", rmdir("saves") == -1 && errno == ENOTEMPTY);
    printf("unlink %d %d %d\n", unlink("saves/high.txt"), remove("saves/slot1.dat"),
           remove("new.txt"));
    printf("rmdir %d\n", rmdir("saves"));
    list("after");
    f = fopen("kept.txt", "w");
    fputs("hello from wasm\n", f);
    fclose(f);
    printf("done\n");
    return 0;
}
"#;

/// What `FILES_PROGRAM` prints.
const FILES_OUTPUT: &[&str] = &[
    "read alice 42",
    "read bob 17",
    "read carol 99",
    "at 9: bob 17",
    "tell 16",
    "size 25 regular 1",
    "mkdir 0",
    "pread 6 abXYef, pos 0",
    "fstat size 6",
    "list: saves/ scores.txt",
    "rename 0",
    "old gone 1",
    "moved alice 42",
    "missing 1",
    "excl 1 1",
    "rmdir full 1",
    "unlink 0 0 0",
    "rmdir 0",
    "after:",
    "done",
];

/// Tries to leave the folder every way it can, through wasi-libc and through the raw
/// WASI calls; prints `<what> <result> <errno>` per try.
const HOSTILE_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static void try_open(const char *what, const char *path) {
    errno = 0;
    FILE *f = fopen(path, "w");
    printf("%s %s %d\n", what, f ? "opened" : "refused", errno);
    if (f) { fputs("escaped\n", f); fclose(f); }
}

int main(void) {
    try_open("dotdot", "../escape.txt");
    try_open("deep", "sub/../../escape.txt");
    try_open("absolute", ABSOLUTE);
    try_open("dirlink", "outlink/escape.txt");
    try_open("filelink", "filelink");
    errno = 0;
    printf("mkdir %d %d\n", mkdir("../escdir", 0755), errno);
    errno = 0;
    printf("rename %d %d\n", rename("inside.txt", "../moved.txt"), errno);
    errno = 0;
    printf("unlink %d %d\n", unlink("../secret.txt"), errno);
    errno = 0;
    printf("read %d %d\n", open("outlink/../secret.txt", O_RDONLY), errno);
    __wasi_fd_t fd = 0;
    printf("raw absolute %d\n", __wasi_path_open(3, 0, ABSOLUTE, __WASI_OFLAGS_CREAT,
           __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
    printf("raw dotdot %d\n", __wasi_path_open(3, 0, "sub/../..", __WASI_OFLAGS_DIRECTORY,
           0, 0, 0, &fd));
    printf("raw bad result %d\n", __wasi_path_open(3, 0, "inside.txt", 0,
           __WASI_RIGHTS_FD_READ, 0, 0, (__wasi_fd_t *)0xfffffff0));
    int in = open("inside.txt", O_RDONLY);
    __wasi_iovec_t bad = {(uint8_t *)0xfffff000, 64};
    __wasi_size_t got = 0;
    printf("raw bad buffer %d\n", __wasi_fd_read(in, &bad, 1, &got));
    char room[8];
    __wasi_iovec_t good = {(uint8_t *)room, sizeof room};
    printf("raw bad fd %d\n", __wasi_fd_read(77, &good, 1, &got));
    printf("ENOTCAPABLE %d\n", ENOTCAPABLE);
    return 0;
}
"#;

/// A scratch folder `<temp>/heirloom-files-<pid>-<tag>`, emptied.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-files-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_program(engine: Engine, folder: Option<&Path>, name: &str, bytes: &[u8]) -> WasmApp {
    let mut core = WasmApp::with_engine(engine);
    core.set_files_dir(folder).unwrap();
    core.load(Media {
        name: name.into(),
        bytes: bytes.to_vec(),
    })
    .unwrap();
    run(&mut core, 2, |_| InputState::default());
    assert!(core.fault().is_none(), "{:?}", core.fault());
    core
}

/// The console's non-empty lines, trimmed.
fn lines(core: &WasmApp) -> Vec<String> {
    core.screen_text()
        .unwrap()
        .lines()
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_wasi_program_uses_files_in_a_host_folder_on_every_engine() {
    let Some(bytes) = compile_text("files", FILES_PROGRAM, Build::Wasi) else {
        return;
    };
    for &engine in Engine::ALL {
        let folder = scratch(&format!("host-{}", engine.name()));
        let core = run_program(engine, Some(&folder), "files.wasm", &bytes);
        assert_eq!(lines(&core), FILES_OUTPUT, "{engine:?}");
        assert_eq!(core.exit_code(), Some(0));
        assert_eq!(names(&folder), ["kept.txt"], "everything else was deleted");
        assert_eq!(
            std::fs::read_to_string(folder.join("kept.txt")).unwrap(),
            "hello from wasm\n"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

#[test]
fn without_a_host_folder_a_wasi_program_gets_its_own_folder_in_memory() {
    let Some(bytes) = compile_text("files", FILES_PROGRAM, Build::Wasi) else {
        return;
    };
    for &engine in Engine::ALL {
        let core = run_program(engine, None, "files.wasm", &bytes);
        assert_eq!(lines(&core), FILES_OUTPUT, "{engine:?}");
        assert_eq!(core.exit_code(), Some(0));
    }
}

#[test]
fn a_hostile_program_cannot_leave_its_folder() {
    let Some(bytes) = compile_text(
        "hostile",
        &HOSTILE_PROGRAM.replace(
            "ABSOLUTE",
            &format!(
                "{:?}",
                scratch("absolute").join("escape.txt").display().to_string()
            ),
        ),
        Build::Wasi,
    ) else {
        return;
    };
    let refused: Vec<String> = [
        "dotdot refused 76",
        "deep refused 76",
        // wasi-libc finds no pre-opened folder for an absolute path and refuses it
        // itself; the raw call below shows what the host answers.
        "absolute refused 44",
        "dirlink refused 76",
        "filelink refused 76",
        "mkdir -1 76",
        "rename -1 76",
        "unlink -1 76",
        // `..` is lexical: this names the folder's own (missing) secret.txt.
        "read -1 44",
        "raw absolute 76",
        "raw dotdot 76",
        "raw bad result 21",
        "raw bad buffer 21",
        "raw bad fd 8",
        "ENOTCAPABLE 76",
    ]
    .map(String::from)
    .into();
    for &engine in Engine::ALL {
        let outer = scratch(&format!("hostile-{}", engine.name()));
        let folder = outer.join("box");
        let outside = outer.join("outside");
        std::fs::create_dir(&folder).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outer.join("secret.txt"), "secret\n").unwrap();
        std::fs::write(folder.join("inside.txt"), "inside\n").unwrap();
        std::fs::create_dir(folder.join("sub")).unwrap();
        std::os::unix::fs::symlink(&outside, folder.join("outlink")).unwrap();
        std::os::unix::fs::symlink(outer.join("secret.txt"), folder.join("filelink")).unwrap();

        let core = run_program(engine, Some(&folder), "hostile.wasm", &bytes);
        assert_eq!(lines(&core), refused, "{engine:?}");
        assert_eq!(names(&outer), ["box", "outside", "secret.txt"]);
        assert!(
            names(&outside).is_empty(),
            "nothing written through the link"
        );
        assert_eq!(
            std::fs::read_to_string(outer.join("secret.txt")).unwrap(),
            "secret\n"
        );
        assert_eq!(names(&folder), ["filelink", "inside.txt", "outlink", "sub"]);
        std::fs::remove_dir_all(&outer).unwrap();
    }
    let absolute = scratch("absolute");
    assert!(names(&absolute).is_empty());
    std::fs::remove_dir_all(absolute).unwrap();
}

/// Writes 1 MiB at a time until refused; prints how many were written and the error.
const QUOTA_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char chunk[1 << 20];

int main(void) {
    int fd = open("big.bin", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int n = 0;
    while (n < 100 && write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk) n++;
    printf("wrote %d MiB, then errno %d\n", n, errno);
    errno = 0;
    int far = pwrite(fd, "x", 1, 1LL << 40);
    printf("far %d errno %d\n", far, errno);
    close(fd);
    printf("unlink %d\n", unlink("big.bin"));
    fd = open("small.bin", O_CREAT | O_WRONLY, 0644);
    printf("after unlink %d\n", (int)write(fd, chunk, 4096));
    return 0;
}
"#;

#[test]
fn writes_beyond_the_quota_are_refused_with_enospc() {
    let Some(bytes) = compile_text("quota", QUOTA_PROGRAM, Build::Wasi) else {
        return;
    };
    assert_eq!(heirloom_wasmapp::FILES_QUOTA, 64 << 20);
    for &engine in Engine::ALL {
        // In memory the quota bounds what is held: deleting makes room again.
        let core = run_program(engine, None, "quota.wasm", &bytes);
        assert_eq!(
            lines(&core),
            [
                "wrote 64 MiB, then errno 51",
                "far -1 errno 51",
                "unlink 0",
                "after unlink 4096"
            ],
            "{engine:?}"
        );
    }
    // In a host folder it bounds what is written in all.
    let folder = scratch("quota");
    let core = run_program(Engine::Interpreter, Some(&folder), "quota.wasm", &bytes);
    assert_eq!(
        lines(&core),
        [
            "wrote 64 MiB, then errno 51",
            "far -1 errno 51",
            "unlink 0",
            "after unlink -1"
        ]
    );
    assert_eq!(names(&folder), ["small.bin"]);
    assert_eq!(
        std::fs::metadata(folder.join("small.bin")).unwrap().len(),
        0
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Counts its runs in `runs.txt`.
const COUNTER_PROGRAM: &str = r#"
#include <stdio.h>

int main(void) {
    int runs = 0;
    FILE *f = fopen("runs.txt", "r");
    if (f) { fscanf(f, "%d", &runs); fclose(f); }
    f = fopen("runs.txt", "w");
    fprintf(f, "%d\n", ++runs);
    fclose(f);
    printf("run %d\n", runs);
    return runs;
}
"#;

#[test]
fn the_folder_outlives_a_reset_and_a_state_load_but_not_the_app() {
    let Some(bytes) = compile_text("counter", COUNTER_PROGRAM, Build::Wasi) else {
        return;
    };
    for &engine in Engine::ALL {
        let mut core = run_program(engine, None, "counter.wasm", &bytes);
        assert_eq!(core.exit_code(), Some(1));
        let state = core.save_state();
        core.reset(heirloom_shell::ResetKind::Hard);
        run(&mut core, 2, |_| InputState::default());
        assert_eq!(core.exit_code(), Some(2), "the memory folder kept runs.txt");
        // Files are not part of the state: loading it shows run 1's console, and the
        // folder still holds what run 2 wrote.
        core.load_state(&state).unwrap();
        assert_eq!(core.exit_code(), Some(1));
        core.reset(heirloom_shell::ResetKind::Hard);
        run(&mut core, 2, |_| InputState::default());
        assert_eq!(core.exit_code(), Some(3));
        // A new app gets a new, empty folder.
        let fresh = run_program(engine, None, "counter.wasm", &bytes);
        assert_eq!(fresh.exit_code(), Some(1));
    }
    let folder = scratch("counter");
    for expected in 1..=2 {
        let core = run_program(Engine::Interpreter, Some(&folder), "counter.wasm", &bytes);
        assert_eq!(core.exit_code(), Some(expected), "the host folder persists");
    }
    assert_eq!(
        std::fs::read_to_string(folder.join("runs.txt")).unwrap(),
        "2\n"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn a_missing_host_folder_is_refused_up_front() {
    let mut core = WasmApp::new();
    let missing = scratch("missing").join("nope");
    assert!(core.set_files_dir(Some(&missing)).is_err());
    assert_eq!(core.files_dir(), None);
    let folder = scratch("present");
    core.set_files_dir(Some(&folder)).unwrap();
    assert_eq!(
        core.files_dir(),
        Some(folder.canonicalize().unwrap().as_path())
    );
    core.set_files_dir(None).unwrap();
    assert_eq!(core.files_dir(), None);
    std::fs::remove_dir_all(scratch("missing")).unwrap();
    std::fs::remove_dir_all(folder).unwrap();
}
