//! Media detection and the zip member selection rule.

use std::io::{Cursor, Write};

use heirloom_shell::media::MAX_MEDIA_BYTES;
use heirloom_shell::{Media, MediaError, MediaKind};
use zip::write::SimpleFileOptions;

fn zip_of(members: &[(&str, &[u8])]) -> Media {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        if name.ends_with('/') {
            writer
                .add_directory(*name, SimpleFileOptions::default())
                .unwrap();
        } else {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    Media::new("bundle.zip", writer.finish().unwrap().into_inner())
}

const PROGRAM: &[u8] = &[
    0x01, 0x08, 0x0b, 0x08, 0x0a, 0x00, 0x9e, 0x32, 0x30, 0x36, 0x31,
];
const README: &[u8] = b"Type LOAD\"*\",8,1 to start.";

#[test]
fn the_one_loadable_member_is_chosen() {
    let archive = zip_of(&[
        ("docs/", b""),
        ("docs/readme.txt", README),
        ("__MACOSX/._game.prg", b"resource fork"),
        ("game.prg", PROGRAM),
    ]);
    let (media, kind) = archive.unpack().unwrap();
    assert_eq!(kind, MediaKind::Prg);
    assert_eq!(media.name, "game.prg");
    assert_eq!(media.bytes, PROGRAM);
}

#[test]
fn an_archive_with_nothing_loadable_says_what_it_holds() {
    let archive = zip_of(&[("readme.txt", README), ("cover.jpg", b"\xff\xd8\xff")]);
    let err = archive.unpack().unwrap_err();
    assert_eq!(
        err.to_string(),
        "bundle.zip: nothing in it can be loaded (it holds: readme.txt, cover.jpg)"
    );
    let empty = zip_of(&[]);
    assert_eq!(
        empty.unpack().unwrap_err().to_string(),
        "bundle.zip: nothing in it can be loaded (it holds: nothing)"
    );
}

#[test]
fn two_loadable_members_ask_the_caller() {
    let disk = vec![0u8; 174_848];
    let archive = zip_of(&[
        ("side1.d64", &disk),
        ("readme.txt", README),
        ("side2.d64", &disk),
    ]);
    match archive.clone().unpack() {
        Err(MediaError::Ambiguous {
            archive,
            candidates,
        }) => {
            assert_eq!(archive, "bundle.zip");
            assert_eq!(candidates, ["side1.d64", "side2.d64"]);
        }
        other => panic!("expected a choice, got {other:?}"),
    }
    let (media, kind) = archive.clone().unpack_member("side2.d64").unwrap();
    assert_eq!((media.name.as_str(), kind), ("side2.d64", MediaKind::D64));
    assert_eq!(
        archive.unpack_member("readme.txt").unwrap_err().to_string(),
        "bundle.zip: has no loadable member named readme.txt"
    );
}

#[test]
fn members_are_detected_by_content_before_extension() {
    let archive = zip_of(&[("module.bin", b"\0asm\x01\0\0\0"), ("notes.txt", README)]);
    let (media, kind) = archive.unpack().unwrap();
    assert_eq!((media.name.as_str(), kind), ("module.bin", MediaKind::Wasm));
}

#[test]
fn hostile_member_names_are_never_chosen() {
    let archive = zip_of(&[
        ("../../escape.prg", PROGRAM),
        ("/abs.prg", PROGRAM),
        ("ok.txt", README),
    ]);
    assert!(matches!(
        archive.unpack(),
        Err(MediaError::NothingLoadable { .. })
    ));
}

#[test]
fn a_zip_bomb_is_refused_without_exhausting_memory() {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    writer.start_file("bomb.prg", deflated).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..=(MAX_MEDIA_BYTES >> 20) {
        writer.write_all(&block).unwrap();
    }
    let bytes = writer.finish().unwrap().into_inner();
    assert!(
        bytes.len() < 2 << 20,
        "the bomb should be small: {}",
        bytes.len()
    );
    let err = Media::new("bomb.zip", bytes).unpack().unwrap_err();
    assert!(matches!(err, MediaError::TooLarge { .. }), "{err}");
    assert!(err.to_string().starts_with("bomb.zip:bomb.prg: "), "{err}");
}

#[test]
fn damaged_archives_are_one_clear_error() {
    let archive = zip_of(&[("game.prg", PROGRAM)]);
    for cut in [4, 20, archive.bytes.len() / 2, archive.bytes.len() - 3] {
        let truncated = Media::new("cut.zip", archive.bytes[..cut].to_vec());
        let err = truncated.unpack().unwrap_err();
        assert!(err.to_string().starts_with("cut.zip: "), "{err}");
    }
}

#[test]
fn unknown_files_are_unrecognised() {
    let err = Media::new("photo.jpg", b"\xff\xd8\xff\xe0".to_vec())
        .unpack()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("photo.jpg: unrecognised file format"),
        "{err}"
    );
}

#[test]
fn files_are_read_from_disk_with_their_name() {
    let dir = std::env::temp_dir().join(format!("heirloom-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hello.prg");
    std::fs::write(&path, PROGRAM).unwrap();
    let media = Media::from_path(&path).unwrap();
    assert_eq!(
        (media.name.as_str(), media.kind()),
        ("hello.prg", Some(MediaKind::Prg))
    );
    let err = Media::from_path(&dir.join("missing.prg")).unwrap_err();
    assert!(err.to_string().starts_with("cannot read "), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_considered_member_can_be_unpacked_whatever_its_kind() {
    let archive = zip_of(&[
        ("roms/", b""),
        ("roms/kernal", &[1; 8]),
        ("roms/.DS_Store", b"x"),
        ("../evil", b"x"),
        ("notes.txt", README),
    ]);
    let members = archive.archive_members().unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["roms/kernal", "notes.txt"]);
    assert_eq!(members[0].bytes, [1; 8]);
}
