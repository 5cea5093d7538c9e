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

/// Runs `bytes` on every engine, in a memory folder and in a fresh host folder (prepared
/// by `prepare`); calls `check` with the engine, the host folder (`None` for memory) and
/// the console lines.
fn on_every_folder(
    tag: &str,
    bytes: &[u8],
    prepare: impl Fn(&Path),
    check: impl Fn(Engine, Option<&Path>, &[String]),
) {
    for &engine in Engine::ALL {
        let core = run_program(engine, None, &format!("{tag}.wasm"), bytes);
        check(engine, None, &lines(&core));
        assert_eq!(core.exit_code(), Some(0), "{engine:?} in memory");
        let folder = scratch(&format!("{tag}-{}", engine.name()));
        prepare(&folder);
        let core = run_program(engine, Some(&folder), &format!("{tag}.wasm"), bytes);
        check(engine, Some(&folder), &lines(&core));
        assert_eq!(core.exit_code(), Some(0), "{engine:?} in a host folder");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

/// Grows and shrinks a file with `ftruncate` and `truncate`, printing its size and bytes
/// after each step, then tries the quota and descriptors that cannot be resized.
const TRUNCATE_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, int fd) {
    unsigned char buf[16];
    struct stat st;
    fstat(fd, &st);
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    printf("%s size %lld:", what, (long long)st.st_size);
    for (ssize_t i = 0; i < n; i++) printf(" %02x", buf[i]);
    printf("\n");
}

int main(void) {
    int fd = open("t.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "abcdef", 6);
    printf("grow %d\n", ftruncate(fd, 9));
    show("grown", fd);
    printf("shrink %d\n", ftruncate(fd, 3));
    show("shrunk", fd);
    printf("pos %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    write(fd, "Z", 1);
    show("hole", fd);
    errno = 0;
    printf("past quota %d errno %d\n", ftruncate(fd, (64LL << 20) + 1), errno);
    show("unchanged", fd);
    printf("to near the quota %d\n", ftruncate(fd, (64LL << 20) - 16));
    struct stat st;
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);
    printf("truncate %d\n", truncate("t.bin", 2));
    show("by path", fd);
    int ro = open("t.bin", O_RDONLY);
    errno = 0;
    printf("read-only %d errno %d\n", ftruncate(ro, 0), errno);
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    errno = 0;
    printf("folder %d errno %d\n", ftruncate(dir, 0), errno);
    errno = 0;
    printf("stdout %d errno %d\n", ftruncate(1, 0), errno);
    errno = 0;
    printf("closed %d errno %d\n", ftruncate(99, 0), errno);
    close(ro);
    close(dir);
    close(fd);
    return 0;
}
"#;

#[test]
fn ftruncate_grows_with_zeros_shrinks_and_keeps_to_the_quota() {
    let Some(bytes) = compile_text("truncate", TRUNCATE_PROGRAM, Build::Wasi) else {
        return;
    };
    let expected = [
        "grow 0",
        "grown size 9: 61 62 63 64 65 66 00 00 00",
        "shrink 0",
        "shrunk size 3: 61 62 63",
        // The position stays past the end: the next write leaves a hole of zeros.
        "pos 6",
        "hole size 7: 61 62 63 00 00 00 5a",
        "past quota -1 errno 51",
        "unchanged size 7: 61 62 63 00 00 00 5a",
        "to near the quota 0",
        "size 67108848",
        "truncate 0",
        "by path size 2: 61 62",
        "read-only -1 errno 8",
        "folder -1 errno 31",
        "stdout -1 errno 28",
        "closed -1 errno 8",
    ];
    on_every_folder(
        "truncate",
        &bytes,
        |_| {},
        |engine, folder, lines| {
            assert_eq!(lines, expected, "{engine:?} {folder:?}");
            if let Some(folder) = folder {
                assert_eq!(std::fs::read(folder.join("t.bin")).unwrap(), b"ab");
            }
        },
    );
}

/// Sets time stamps with `futimens`, `utimensat` and the raw WASI calls and reads them
/// back.
const TIMES_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

/* The installed wasi-libc converts UTIME_NOW with the value of its own internal header,
   not the one its <sys/stat.h> gives programs, and mishandles UTIME_NOW and UTIME_OMIT for
   the modification time and a NULL `times` (sending time 0): those are asked for with
   the raw calls below. */
#undef UTIME_NOW
#define UTIME_NOW (-1)

static void show(const char *what, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { printf("%s: stat errno %d\n", what, errno); return; }
    printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", what, (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(void) {
    int fd = open("t.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "x", 1);
    struct timespec set[2] = {{1000000000, 5}, {1234567890, 123456789}};
    printf("futimens %d\n", futimens(fd, set));
    show("set", "t.txt");
    printf("mtime now %d\n", __wasi_path_filestat_set_times(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
           "t.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    show("mtime now", "t.txt");
    printf("atime only %d\n", __wasi_path_filestat_set_times(3, 0, "t.txt",
           1500000000000000000ULL, 0, __WASI_FSTFLAGS_ATIM));
    show("atime only", "t.txt");
    struct timespec atime_now[2] = {{0, UTIME_NOW}, {4, 0}};
    printf("utimensat %d\n", utimensat(AT_FDCWD, "t.txt", atime_now, 0));
    show("atime now", "t.txt");
    printf("both now %d\n", __wasi_fd_filestat_set_times(fd, 0, 0,
           __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
    show("both now", "t.txt");
    mkdir("sub", 0755);
    struct timespec dir[2] = {{7, 0}, {8, 0}};
    printf("folder %d\n", utimensat(AT_FDCWD, "sub", dir, 0));
    show("folder", "sub");
    int ro = open("t.txt", O_RDONLY);
    printf("read-only fd %d\n", futimens(ro, set));
    show("again", "t.txt");
    printf("raw both atim %d\n", __wasi_fd_filestat_set_times(fd, 1, 2,
           __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    printf("raw both mtim %d\n", __wasi_fd_filestat_set_times(fd, 1, 2,
           __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    printf("raw unknown bit %d\n", __wasi_fd_filestat_set_times(fd, 1, 2, 16));
    printf("raw path missing %d\n", __wasi_path_filestat_set_times(3, 0, "nope", 1, 2,
           __WASI_FSTFLAGS_ATIM));
    printf("raw bad fd %d\n", __wasi_fd_filestat_set_times(77, 1, 2, __WASI_FSTFLAGS_ATIM));
    printf("raw stdout %d\n", __wasi_fd_filestat_set_times(1, 1, 2, __WASI_FSTFLAGS_ATIM));
    show("untouched", "t.txt");
    close(ro);
    close(fd);
    return 0;
}
"#;

#[test]
fn time_stamps_are_set_and_read_back_in_both_folder_kinds() {
    let Some(bytes) = compile_text("times", TIMES_PROGRAM, Build::Wasi) else {
        return;
    };
    // "Now" is the app's emulated wall clock: 2000-01-01 at the start of a program.
    let expected = [
        "futimens 0",
        "set: atime 1000000000.000000005 mtime 1234567890.123456789",
        "mtime now 0",
        "mtime now: atime 1000000000.000000005 mtime 946684800.000000000",
        "atime only 0",
        "atime only: atime 1500000000.000000000 mtime 946684800.000000000",
        "utimensat 0",
        "atime now: atime 946684800.000000000 mtime 4.000000000",
        "both now 0",
        "both now: atime 946684800.000000000 mtime 946684800.000000000",
        "folder 0",
        "folder: atime 7.000000000 mtime 8.000000000",
        "read-only fd 0",
        "again: atime 1000000000.000000005 mtime 1234567890.123456789",
        "raw both atim 28",
        "raw both mtim 28",
        "raw unknown bit 28",
        "raw path missing 44",
        "raw bad fd 8",
        "raw stdout 58",
        "untouched: atime 1000000000.000000005 mtime 1234567890.123456789",
    ];
    on_every_folder(
        "times",
        &bytes,
        |_| {},
        |engine, folder, lines| {
            assert_eq!(lines, expected, "{engine:?} {folder:?}");
            if let Some(folder) = folder {
                let meta = std::fs::metadata(folder.join("t.txt")).unwrap();
                let since = |t: std::time::SystemTime| {
                    t.duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
                };
                assert_eq!(since(meta.modified().unwrap()), 1_234_567_890_123_456_789);
                assert_eq!(since(meta.accessed().unwrap()), 1_000_000_000_000_000_005);
            }
        },
    );
}

/// The memory folder's own time stamps: what is created or changed takes the emulated
/// now, which moves on with the frames (the program sleeps one second between steps).
const MEMORY_TIMES_PROGRAM: &str = r#"
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static long long secs(const char *path, int which) {
    struct stat st;
    stat(path, &st);
    return which == 0 ? st.st_atim.tv_sec : which == 1 ? st.st_mtim.tv_sec : st.st_ctim.tv_sec;
}

int main(void) {
    int fd = open("t.txt", O_CREAT | O_WRONLY, 0644);
    printf("created %lld %lld %lld\n", secs("t.txt", 0), secs("t.txt", 1), secs("t.txt", 2));
    sleep(1);
    write(fd, "x", 1);
    printf("written %lld %lld %lld\n", secs("t.txt", 0), secs("t.txt", 1), secs("t.txt", 2));
    sleep(1);
    char c;
    int rd = open("t.txt", O_RDONLY);
    read(rd, &c, 1);
    printf("read %lld %lld %lld\n", secs("t.txt", 0), secs("t.txt", 1), secs("t.txt", 2));
    struct timespec set[2] = {{5, 0}, {6, 0}};
    futimens(fd, set);
    printf("set %lld %lld %lld\n", secs("t.txt", 0), secs("t.txt", 1), secs("t.txt", 2));
    printf("folder %lld %lld\n", secs(".", 1), secs(".", 2));
    sleep(1);
    unlink("t.txt");
    printf("folder after unlink %lld %lld\n", secs(".", 1), secs(".", 2));
    return 0;
}
"#;

#[test]
fn the_memory_folder_stamps_changes_with_the_emulated_clock() {
    let Some(bytes) = compile_text("memtimes", MEMORY_TIMES_PROGRAM, Build::Wasi) else {
        return;
    };
    let start = 946_684_800;
    let expected = [
        format!("created {start} {start} {start}"),
        format!("written {start} {} {}", start + 1, start + 1),
        format!("read {start} {} {}", start + 1, start + 1),
        format!("set 5 6 {}", start + 2),
        // The folder itself started at 0 and changed when t.txt was added.
        format!("folder {start} {start}"),
        format!("folder after unlink {} {}", start + 3, start + 3),
    ];
    for &engine in Engine::ALL {
        let core = run_program(engine, None, "memtimes.wasm", &bytes);
        assert_eq!(lines(&core), expected, "{engine:?}");
    }
}

/// Reads links, makes symbolic and hard links, and tries links that would leave.
const LINKS_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show_link(const char *path) {
    char buf[64];
    errno = 0;
    ssize_t n = readlink(path, buf, sizeof buf);
    printf("readlink %s %d errno %d %.*s\n", path, (int)n, errno, (int)(n > 0 ? n : 0), buf);
}

int main(void) {
    FILE *f = fopen("plain.txt", "w");
    fputs("plain\n", f);
    fclose(f);
    mkdir("sub", 0755);
    show_link("plain.txt");
    show_link("sub");
    show_link("nope");
    errno = 0;
    printf("symlink %d errno %d\n", symlink("plain.txt", "alias"), errno);
    show_link("alias");
    char line[32] = "(none)\n";
    f = fopen("alias", "r");
    if (f) { fgets(line, sizeof line, f); fclose(f); }
    printf("through alias %s", line);
    errno = 0;
    printf("symlink up %d errno %d\n", symlink("../plain.txt", "sub/up"), errno);
    show_link("sub/up");
    errno = 0;
    printf("symlink escaping %d errno %d\n", symlink("../outside.txt", "bad"), errno);
    errno = 0;
    printf("symlink deep %d errno %d\n", symlink("../../plain.txt", "sub/bad"), errno);
    errno = 0;
    printf("symlink absolute %d errno %d\n", symlink("/etc/passwd", "bad"), errno);
    errno = 0;
    printf("symlink exists %d errno %d\n", symlink("plain.txt", "sub"), errno);
    errno = 0;
    printf("link %d errno %d\n", link("plain.txt", "hard.txt"), errno);
    struct stat st;
    stat("plain.txt", &st);
    printf("nlink %d\n", (int)st.st_nlink);
    errno = 0;
    printf("link folder %d errno %d\n", link("sub", "sub2"), errno);
    errno = 0;
    printf("link up %d errno %d\n", link("sub/up", "up2"), errno);
    show_link("hostlink");
    return 0;
}
"#;

#[test]
fn links_are_read_made_inside_a_host_folder_and_refused_in_memory() {
    let Some(bytes) = compile_text("links", LINKS_PROGRAM, Build::Wasi) else {
        return;
    };
    let in_memory = [
        "readlink plain.txt -1 errno 28",
        "readlink sub -1 errno 28",
        "readlink nope -1 errno 44",
        "symlink -1 errno 58",
        "readlink alias -1 errno 44",
        "through alias (none)",
        "symlink up -1 errno 58",
        "readlink sub/up -1 errno 44",
        "symlink escaping -1 errno 58",
        "symlink deep -1 errno 58",
        "symlink absolute -1 errno 58",
        "symlink exists -1 errno 58",
        "link -1 errno 58",
        "nlink 1",
        "link folder -1 errno 58",
        "link up -1 errno 58",
        "readlink hostlink -1 errno 44",
    ];
    let in_host_folder = [
        "readlink plain.txt -1 errno 28",
        "readlink sub -1 errno 28",
        "readlink nope -1 errno 44",
        "symlink 0 errno 0",
        "readlink alias 9 errno 0 plain.txt",
        "through alias plain",
        "symlink up 0 errno 0",
        "readlink sub/up 12 errno 0 ../plain.txt",
        "symlink escaping -1 errno 76",
        "symlink deep -1 errno 76",
        "symlink absolute -1 errno 76",
        "symlink exists -1 errno 20",
        "link 0 errno 0",
        "nlink 2",
        "link folder -1 errno 63",
        // A second name for sub/up in the folder itself would lead outside.
        "link up -1 errno 76",
        // A link the host placed, pointing outside: its target stays private.
        "readlink hostlink -1 errno 76",
    ];
    on_every_folder(
        "links",
        &bytes,
        |folder| {
            std::os::unix::fs::symlink(std::env::temp_dir(), folder.join("hostlink")).unwrap();
        },
        |engine, folder, lines| match folder {
            None => assert_eq!(lines, in_memory, "{engine:?}"),
            Some(folder) => {
                assert_eq!(lines, in_host_folder, "{engine:?}");
                assert_eq!(
                    std::fs::read_link(folder.join("alias")).unwrap(),
                    Path::new("plain.txt")
                );
                assert_eq!(
                    std::fs::read_to_string(folder.join("hard.txt")).unwrap(),
                    "plain\n"
                );
                assert_eq!(
                    names(folder),
                    ["alias", "hard.txt", "hostlink", "plain.txt", "sub"]
                );
            }
        },
    );
}

/// Moves descriptors with `fd_renumber` (what `dup2` would do), redirects standard
/// output with `freopen`, and reuses the lowest free descriptor.
const RENUMBER_PROGRAM: &str = r#"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static void show(const char *path) {
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    for (ssize_t i = 0; i < n; i++) if (buf[i] == '\n') buf[i] = '|';
    fprintf(stderr, "%s: %s\n", path, buf);
}

int main(void) {
    int a = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int b = open("b.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("fds %d %d\n", a, b);
    write(a, "to a\n", 5);
    write(b, "to b\n", 5);
    printf("renumber %d\n", __wasi_fd_renumber(a, b));
    write(b, "via b\n", 6);
    errno = 0;
    printf("old fd %d errno %d\n", (int)write(a, "x", 1), errno);
    printf("onto closed %d\n", __wasi_fd_renumber(b, 77));
    printf("from closed %d\n", __wasi_fd_renumber(77, b));
    printf("from preopen %d\n", __wasi_fd_renumber(3, b));
    printf("onto preopen %d\n", __wasi_fd_renumber(b, 3));
    printf("same %d\n", __wasi_fd_renumber(b, b));
    close(b);
    fflush(stdout);
    FILE *out = freopen("out.txt", "w", stdout);
    printf("into the file\n");
    fflush(stdout);
    fprintf(stderr, "freopen %d fileno %d\n", out == stdout, fileno(stdout));
    show("a.txt");
    show("b.txt");
    show("out.txt");
    fclose(stdout);
    int c = open("c.txt", O_CREAT | O_WRONLY, 0644);
    fprintf(stderr, "lowest free %d\n", c);
    write(c, "on one\n", 7);
    show("c.txt");
    return 0;
}
"#;

#[test]
fn fd_renumber_moves_descriptors_and_freopen_redirects_standard_output() {
    let Some(bytes) = compile_text("renumber", RENUMBER_PROGRAM, Build::Wasi) else {
        return;
    };
    let expected = [
        "fds 4 5",
        "renumber 0",
        "old fd -1 errno 8",
        "onto closed 8",
        "from closed 8",
        "from preopen 58",
        "onto preopen 58",
        "same 0",
        "freopen 1 fileno 1",
        "a.txt: to a|via b|",
        "b.txt: to b|",
        "out.txt: into the file|",
        "lowest free 1",
        "c.txt: on one|",
    ];
    on_every_folder(
        "renumber",
        &bytes,
        |_| {},
        |engine, folder, lines| {
            assert_eq!(lines, expected, "{engine:?} {folder:?}");
            if let Some(folder) = folder {
                assert_eq!(
                    std::fs::read_to_string(folder.join("out.txt")).unwrap(),
                    "into the file\n"
                );
            }
        },
    );
}
