//! The open ROM's BASIC V2 interpreter, driven as a person would: typing listings and
//! commands, reading the screen.

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};

mod typing;

use typing::{booted, direct, frames, output_after, session};

/// Types a listing and RUN on a fresh machine; what the program printed.
fn run_listing(listing: &str) -> String {
    let mut c64 = booted();
    frames(&mut c64, 10 + 4 * listing.chars().count(), listing);
    direct(&mut c64, "RUN")
}

#[test]
fn print_gives_the_digits_a_c64_gives() {
    let mut c64 = booted();
    assert_eq!(direct(&mut c64, "PRINT 1/3"), " .333333333\n\n");
    assert_eq!(direct(&mut c64, "PRINT 2/3"), " .666666667\n\n");
    assert_eq!(
        direct(&mut c64, "PRINT 1E9;123456789"),
        " 1E+09  123456789\n\n"
    );
    assert_eq!(
        direct(&mut c64, "PRINT .01;.001;-5;10/4"),
        " .01  1E-03 -5  2.5\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?2+3*4;(2+3)*4;2^3^2;-2^2"),
        " 14  20  64 -4\n\n"
    );
}

#[test]
fn operators_follow_v2_precedence_and_truth_values() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "?1<2;1>2;2=2;1<>1;3>=3;2<=1"),
        "-1  0 -1  0 -1  0\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?NOT 0;NOT 1=1;5 AND 3;5 OR 3"),
        "-1  0  1  7\n\n"
    );
    assert_eq!(direct(&mut c64, "?1+1=2 AND 3;-1 OR 0 AND 0"), " 3 -1\n\n");
    assert_eq!(
        direct(&mut c64, "?\"AB\"<\"B\";\"A\"+\"B\"=\"AB\""),
        "-1 -1\n\n"
    );
}

#[test]
fn functions_answer_as_on_a_c64() {
    let mut c64 = booted();
    assert_eq!(direct(&mut c64, "?FRE(0)"), "-26627\n\n");
    assert_eq!(
        direct(&mut c64, "?SGN(-3);INT(-2.5);ABS(-4);SQR(16)"),
        "-1 -3  4  4\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?LEN(\"ABC\");ASC(\"A\");SGN(0)"),
        " 3  65  0\n\n"
    );
    assert_eq!(
        direct(&mut c64, "A$=\"HELLO\":?LEFT$(A$,2);RIGHT$(A$,3)"),
        "HELLO\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?MID$(A$,2,3);MID$(A$,4);MID$(A$,9)"),
        "ELLLO\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?STR$(12);VAL(\"-1.5E2X\");CHR$(65)"),
        " 12-150 A\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?INT(LOG(EXP(2))+.5);2^.5"),
        " 2  1.41421356\n\n"
    );
    assert_eq!(
        direct(&mut c64, "?SIN(0);COS(0);ATN(0);TAN(0);π"),
        " 0  1  0  0  3.14159265\n\n"
    );
    // A$ (7 bytes) and its 5 characters are in use.
    assert_eq!(
        direct(&mut c64, "?PEEK(43);PEEK(44);FRE(0)"),
        " 1  8 -26639\n\n"
    );
    let random = direct(&mut c64, "?RND(1)");
    let value: f64 = random.trim().parse().unwrap();
    assert!((0.0..1.0).contains(&value), "{random}");
}

#[test]
fn variables_live_in_ram_in_the_v2_formats() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "A=2.5:B%=-3:C$=\"HI\":PRINT A;B%;C$"),
        " 2.5 -3 HI\n\n"
    );
    let mut vartab = [0u8; 2];
    c64.read_memory("ram", 0x2d, &mut vartab).unwrap();
    let start = u16::from_le_bytes(vartab);
    let mut variables = [0u8; 21];
    c64.read_memory("ram", start.into(), &mut variables)
        .unwrap();
    assert_eq!(variables[..7], [b'A', 0, 0x82, 0x20, 0, 0, 0]);
    assert_eq!(variables[7..11], [b'B' | 0x80, 0x80, 0xff, 0xfd]);
    assert_eq!(variables[14..17], [b'C', 0x80, 2]);
    let pointer = u16::from_le_bytes([variables[17], variables[18]]);
    let mut text = [0u8; 2];
    c64.read_memory("ram", pointer.into(), &mut text).unwrap();
    assert_eq!(&text, b"HI");
    assert_eq!(direct(&mut c64, "PRINT B%=-3 AND A>2"), "-1\n\n");
    assert_eq!(direct(&mut c64, "AB=1:ABC=2:PRINT AB"), " 2\n\n");
    assert_eq!(direct(&mut c64, "X%=40000"), "\n?ILLEGAL QUANTITY  ERROR\n");
}

#[test]
fn arrays_are_dimensioned_and_auto_dimensioned() {
    let output = run_listing(
        "10 DIM A(3,4),N$(2)\n20 FOR I=0TO3:FOR J=0TO4:A(I,J)=I*10+J:NEXTJ,I\n\
         30 N$(2)=\"TWO\":B(10)=7\n40 PRINT A(2,3);A(3,4);N$(2);B(10)\n\
         50 PRINT B(11)\n",
    );
    assert_eq!(output, " 23  34 TWO 7\n\n?BAD SUBSCRIPT  ERROR IN 50\n");
    let output = run_listing("10 DIM A(2)\n20 DIM A(3)\n");
    assert_eq!(output, "\n?REDIM'D ARRAY  ERROR IN 20\n");
}

#[test]
fn strings_survive_garbage_collection() {
    // With memory cut to $3000, 200 rounds of 100-byte strings fill the string heap
    // twice over; the live strings (scalars and an array's) must come through.
    let output = run_listing(
        "10 POKE 55,0:POKE 56,48:CLR:DIM S$(20)\n\
         20 FOR I=1TO20:S$(I)=STR$(I):NEXT:A$=\"\":FOR I=1TO100:A$=A$+\"X\":NEXT\n\
         30 FOR I=1TO200:B$=A$+\"\":C$=STR$(I):NEXT\n\
         40 PRINT LEN(B$);C$;S$(7);S$(20);FRE(0)>9000;RIGHT$(B$,2)\n",
    );
    assert_eq!(output, " 100  200 7 20-1 XX\n\n");
}

#[test]
fn goto_gosub_and_on_jump_as_v2() {
    let output = run_listing(
        "10 GOSUB 100:PRINT \"BACK\"\n20 FOR K=1TO3:ON K GOTO 30,40,50\n30 PRINT \"ONE\";:GOTO 60\n\
         40 PRINT \"TWO\";:GOTO 60\n50 ON 2 GOSUB 100,110\n60 NEXT:END\n100 PRINT \"SUB\":RETURN\n\
         110 PRINT \"SUB2\":RETURN\n",
    );
    assert_eq!(output, "SUB\nBACK\nONETWOSUB2\n\n");
}

#[test]
fn for_next_loops_with_steps_and_nesting() {
    let output = run_listing(
        "10 FOR I=10 TO 1 STEP -3:PRINT I;:NEXT I:PRINT\n\
         20 FOR I=1 TO 2:FOR J=1 TO 2:PRINT I*J;:NEXT J,I:PRINT\n\
         30 FOR I=1 TO 0:PRINT \"ONCE\":NEXT\n40 NEXT\n",
    );
    assert_eq!(
        output,
        " 10  7  4  1\n 1  2  2  4\nONCE\n\n?NEXT WITHOUT FOR  ERROR IN 40\n"
    );
}

#[test]
fn if_then_takes_a_line_number_or_a_statement() {
    let output = run_listing(
        "10 A=5:IF A>3 THEN PRINT \"BIG\":PRINT \"STILL\"\n20 IF A<3 THEN PRINT \"NO\":PRINT \"NO\"\n\
         30 IF A=5 THEN 50\n40 PRINT \"SKIPPED\"\n50 IF A GOTO 70\n60 PRINT \"SKIPPED\"\n70 PRINT \"END\"\n",
    );
    assert_eq!(output, "BIG\nSTILL\nEND\n\n");
}

#[test]
fn read_data_and_restore() {
    let output = run_listing(
        "10 READ A,B$,C:PRINT A;B$;C\n20 RESTORE:READ X:PRINT X\n30 DATA 1.5,\"HI, THERE\"\n\
         40 DATA -7\n50 RESTORE:READ A,B$,C,D\n",
    );
    assert_eq!(
        output,
        " 1.5 HI, THERE-7\n 1.5\n\n?OUT OF DATA  ERROR IN 50\n"
    );
    let output = run_listing("10 READ A\n20 DATA X\n");
    assert_eq!(output, "\n?SYNTAX  ERROR IN 20\n");
}

#[test]
fn def_fn_defines_functions() {
    let output = run_listing("10 DEF FN SQ(X)=X*X+1\n20 X=3:PRINT FN SQ(4);X\n30 PRINT FN NO(1)\n");
    assert_eq!(output, " 17  3\n\n?UNDEF'D FUNCTION  ERROR IN 30\n");
}

#[test]
fn print_separators_tab_and_spc() {
    let output = run_listing(
        "10 PRINT 1,2;\"X\"\n20 PRINT TAB(5)\"T\";SPC(3)\"S\"\n30 PRINT \"A\";\n40 PRINT \"B\"\n",
    );
    assert_eq!(output, " 1         2 X\n     T   S\nAB\n\n");
}

#[test]
fn errors_name_the_line_as_v2_does() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "PRINT 1/0"),
        "\n?DIVISION BY ZERO  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "FOO"), "\n?SYNTAX  ERROR\n");
    assert_eq!(
        direct(&mut c64, "PRINT \"A\"+1"),
        "\n?TYPE MISMATCH  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "GOTO 100"),
        "\n?UNDEF'D STATEMENT  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "RETURN"),
        "\n?RETURN WITHOUT GOSUB  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "PRINT 2^200"), "\n?OVERFLOW  ERROR\n");
    assert_eq!(direct(&mut c64, "INPUT A"), "\n?ILLEGAL DIRECT  ERROR\n");
    assert_eq!(direct(&mut c64, "CONT"), "\n?CAN'T CONTINUE  ERROR\n");
    let output = run_listing("10 PRINT \"OK\"\n20 PRINT CHR$(300)\n");
    assert_eq!(output, "OK\n\n?ILLEGAL QUANTITY  ERROR IN 20\n");
}

#[test]
fn stop_and_cont() {
    let mut c64 = booted();
    frames(&mut c64, 200, "10 PRINT \"A\"\n20 STOP\n30 PRINT \"B\"\n");
    assert_eq!(direct(&mut c64, "RUN"), "A\n\nBREAK IN 20\n");
    assert_eq!(direct(&mut c64, "CONT"), "B\n\n");
}

#[test]
fn run_stop_breaks_a_running_program_and_cont_resumes_it() {
    let mut c64 = booted();
    frames(&mut c64, 200, "10 I=I+1:GOTO 10\nRUN\n");
    frames(&mut c64, 30, "");
    // Hold RUN/STOP (the key under ESC) for a few frames.
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let mut input = InputState::default();
    input.keys.set(heirloom_shell::Key::Escape, true);
    for _ in 0..5 {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
    }
    let screen = session(&mut c64, "", 100);
    assert!(screen.contains("\nBREAK IN 10\nREADY."), "{screen}");
    let before: f64 = direct(&mut c64, "PRINT I").trim().parse().unwrap();
    assert!(before > 10.0, "{before}");
    frames(&mut c64, 60, "CONT\n");
    frames(&mut c64, 50, "");
    let screen = c64.screen_text().unwrap();
    assert!(
        !screen.trim_end().ends_with("READY."),
        "CONT runs on:\n{screen}"
    );
}

#[test]
fn get_and_input_read_through_the_screen_editor() {
    let mut c64 = booted();
    frames(
        &mut c64,
        400,
        "10 INPUT \"NAME\";N$:INPUT A,B\n20 PRINT N$;A+B\n30 GET K$:IF K$=\"\" THEN 30\n40 PRINT \"KEY \";K$\nRUN\n",
    );
    frames(&mut c64, 100, "BOB\n");
    frames(&mut c64, 100, "X\n");
    frames(&mut c64, 100, "1\n");
    frames(&mut c64, 100, "2,3\n");
    let screen = session(&mut c64, "Q", 200);
    let output = output_after(&screen, "RUN");
    assert_eq!(
        output,
        "NAME? BOB\n? X\n?REDO FROM START\n? 1\n?? 2,3\n?EXTRA IGNORED\nBOB 3\nKEY Q\n\n"
    );
}

#[test]
fn typed_machine_code_runs_through_sys_and_comes_back() {
    // Writes "HEIRLOOM" into the top screen row with its own loop, stores 42 at $C100,
    // and returns 7 in A (kept at $030C for BASIC).
    let listing = "10 FOR I=0 TO 28:READ B:POKE 49152+I,B:NEXT\n\
         20 SYS 49152\n30 PRINT PEEK(49408);PEEK(780)\n\
         40 DATA 162,0,189,21,192,157,0,4,232,224,8,208,245,169,42,141,0,193\n\
         50 DATA 169,7,96,8,5,9,18,12,15,15,13\n";
    let mut c64 = booted();
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    let output = direct(&mut c64, "RUN");
    assert_eq!(output, " 42  7\n\n");
    let screen = c64.screen_text().unwrap();
    assert!(screen.starts_with("HEIRLOOM"), "{screen}");
    // SYS into the KERNAL: CHROUT prints the A that $030C holds.
    assert_eq!(direct(&mut c64, "POKE 780,65:SYS 65490:PRINT"), "A\n\n");
}

#[test]
fn wait_waits_for_memory_and_poke_writes_through_the_bus() {
    let mut c64 = booted();
    // The border colour register answers with its unused high bits set.
    assert_eq!(
        direct(&mut c64, "POKE 53280,2:PRINT PEEK(53280)"),
        " 242\n\n"
    );
    // The jiffy clock's low byte reaches a value with bit 7 set within a few seconds.
    assert_eq!(
        direct(&mut c64, "POKE 162,0:WAIT 162,128:PRINT \"DONE\""),
        "DONE\n\n"
    );
}

#[test]
fn list_new_and_clr() {
    let mut c64 = booted();
    frames(&mut c64, 200, "10 A=1:PRINT A\n20 REM HI\n");
    assert_eq!(direct(&mut c64, "LIST"), "\n10 A=1:PRINT A\n20 REM HI\n");
    assert_eq!(direct(&mut c64, "LIST 15-"), "\n20 REM HI\n");
    assert_eq!(direct(&mut c64, "LIST \"X\""), "\n?SYNTAX  ERROR\n");
    assert_eq!(direct(&mut c64, "A=5:CLR:PRINT A"), " 0\n\n");
    assert_eq!(direct(&mut c64, "NEW:LIST"), "\n");
}

#[test]
fn a_state_saved_mid_program_resumes_exactly() {
    let listing = "10 DIM A(200):FOR I=1 TO 200:GOSUB 100\n20 NEXT:FOR I=1 TO 200:S=S+A(I)\n\
         30 NEXT:PRINT S;T$:END\n100 A(I)=I*I:T$=RIGHT$(T$+CHR$(65+I-INT(I/26)*26),20):RETURN\n";
    let mut c64 = booted();
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    frames(&mut c64, 30, "RUN\n");
    // Somewhere inside the loops: carry the machine over to a new one.
    frames(&mut c64, 10, "");
    let before = c64.screen_text().unwrap();
    assert!(
        before.trim_end().ends_with("RUN"),
        "still running:\n{before}"
    );
    let state = c64.save_state();
    let mut resumed = C64::new(RomSet::open_rom());
    resumed.load_state(&state).unwrap();
    let screen = session(&mut resumed, "", 2_000);
    assert_eq!(
        output_after(&screen, "RUN"),
        " 2686700 ZABCDEFGHIJKLMNOPQRS\n\n",
        "{screen}"
    );
}

#[test]
fn runaway_nesting_runs_out_of_memory_instead_of_crashing() {
    assert_eq!(
        run_listing("10 GOSUB 10\n"),
        "\n?OUT OF MEMORY  ERROR IN 10\n"
    );
    assert_eq!(
        run_listing("10 DEF FN A(X)=FN A(X)+1\n20 PRINT FN A(1)\n"),
        "\n?OUT OF MEMORY  ERROR IN 20\n"
    );
}

#[test]
fn ti_st_and_the_clock_strings() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "TI$=\"123000\":?LEFT$(TI$,4);ST"),
        "1230 0\n\n"
    );
    assert_eq!(direct(&mut c64, "?TI>=45000*60"), "-1\n\n");
    assert_eq!(
        direct(&mut c64, "TI$=\"250000\""),
        "\n?ILLEGAL QUANTITY  ERROR\n"
    );
}

#[test]
fn corrupted_pointers_give_errors_not_hangs() {
    let mut c64 = booted();
    frames(&mut c64, 100, "10 PRINT \"A\"\n");
    // Line 10's link pointing at itself: the search for line 20 never ends on its own.
    assert_eq!(
        direct(&mut c64, "POKE 2049,1:POKE 2050,8:GOTO 20"),
        "\n?UNDEF'D STATEMENT  ERROR\n"
    );
    // Variables said to start at $FFFA, past their end: none is found; a new one is
    // still made at ARYTAB, as V2 would.
    assert_eq!(direct(&mut c64, "POKE 45,250:POKE 46,255:?A"), " 0\n\n");
    assert_eq!(direct(&mut c64, "B=1:?B"), " 0\n\n");
}

#[test]
fn usr_calls_machine_code_in_the_middle_of_an_expression() {
    let mut c64 = booted();
    assert_eq!(direct(&mut c64, "?USR(1)"), "\n?ILLEGAL QUANTITY  ERROR\n");
    // Doubles its argument with the ROM's FAC1 conversions at $B1AA and $B391.
    let listing = "10 FOR I=0 TO 17:READ B:POKE 49152+I,B:NEXT\n\
         20 POKE 785,0:POKE 786,192\n30 PRINT \"A\";USR(21);USR(-4)+1\n\
         40 X=USR(100)*2:PRINT X:PRINT USR(40000)\n\
         50 DATA 32,170,177,132,251,133,252,6,251,38,252,165,252,164,251,76,145,179\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    assert_eq!(
        direct(&mut c64, "RUN"),
        "A 42 -7\n 400\n\n?ILLEGAL QUANTITY  ERROR IN 40\n"
    );
}

#[test]
fn string_literals_stay_in_the_program_as_in_v2() {
    let listing = "10 A$=\"HI\":READ B$:C$=A$+\"\"\n20 DATA THERE\n";
    let mut c64 = booted();
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    assert_eq!(direct(&mut c64, "RUN"), "\n");
    let word = |c64: &C64, address: u16| {
        let mut bytes = [0u8; 2];
        c64.read_memory("ram", address.into(), &mut bytes).unwrap();
        u16::from_le_bytes(bytes)
    };
    let (vartab, fretop) = (word(&c64, 0x2d), word(&c64, 0x33));
    let mut variables = [0u8; 21];
    c64.read_memory("ram", vartab.into(), &mut variables)
        .unwrap();
    let pointer =
        |index: usize| u16::from_le_bytes([variables[7 * index + 3], variables[7 * index + 4]]);
    assert_eq!(variables[..3], [b'A', 0x80, 2]);
    assert!(pointer(0) < vartab, "A$ points into line 10");
    assert_eq!(variables[7..10], [b'B', 0x80, 5]);
    assert!(pointer(1) < vartab, "B$ points into the DATA of line 20");
    let mut text = [0u8; 5];
    c64.read_memory("ram", pointer(1).into(), &mut text)
        .unwrap();
    assert_eq!(&text, b"THERE");
    assert_eq!(variables[14..17], [b'C', 0x80, 2]);
    assert!(pointer(2) >= fretop, "C$ is on the string heap");
}

#[test]
fn input_takes_quoted_fields_and_get_takes_digits() {
    let mut c64 = booted();
    frames(
        &mut c64,
        400,
        "10 INPUT A$,B:PRINT A$;B\n20 GET K:IF K=0 THEN 20\n30 PRINT K*2\n\
         40 ON 3 GOSUB 90:GET A$,B$:PRINT \"END\":END\n90 PRINT \"NO\"\nRUN\n",
    );
    frames(&mut c64, 100, "\"A, B\",-7\n");
    let screen = session(&mut c64, "4", 200);
    assert_eq!(
        output_after(&screen, "RUN"),
        "? \"A, B\",-7\nA, B-7\n 8\nEND\n\n"
    );
}

#[test]
fn load_save_open_and_close_call_the_kernal() {
    let mut c64 = booted();
    // No drive is attached, so no device answers on the serial bus (LOAD says what it
    // searches for first, as on a C64).
    assert_eq!(
        direct(&mut c64, "LOAD \"X\",8"),
        "\nSEARCHING FOR X\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "SAVE \"X\",8"),
        "\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "OPEN 1,8,15,\"I\""),
        "\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "CLOSE 1"), "\n");
    // A loader behind the LOAD vector ($0330) that copies a program with stale links
    // to $0801 and returns its end in X and Y. It leaves STATUS alone, so line 30 clears
    // the "device not present" the failed commands above left there (V2's LOAD reports
    // ?LOAD ERROR for any STATUS bit but EOI).
    let listing = "10 FOR I=0 TO 18:READ B:POKE 49152+I,B:NEXT\n\
         20 FOR I=0 TO 15:READ B:POKE 49408+I,B:NEXT\n30 POKE 816,0:POKE 817,192:POKE 144,0\n\
         40 DATA 162,0,189,0,193,157,1,8,232,224,16,208,245,162,17,160,8,24,96\n\
         50 DATA 1,1,10,0,153,34,76,79,65,68,69,68,34,0,0,0\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    assert_eq!(direct(&mut c64, "RUN"), "\n");
    assert_eq!(direct(&mut c64, "LOAD \"X\",8"), "\n");
    assert_eq!(direct(&mut c64, "LIST"), "\n10 PRINT\"LOADED\"\n");
    assert_eq!(direct(&mut c64, "?PEEK(45)+256*PEEK(46)"), " 2065\n\n");
    assert_eq!(direct(&mut c64, "VERIFY \"X\",8"), "\nOK\n");
    // LOAD in a program runs what it loaded.
    frames(&mut c64, 100, "NEW\n10 LOAD \"X\",8\n");
    assert_eq!(direct(&mut c64, "RUN"), "LOADED\n\n");
}

#[test]
fn print_file_and_cmd_send_through_chkout_and_chrout() {
    let mut c64 = booted();
    // File 4 was never opened.
    assert_eq!(
        direct(&mut c64, "PRINT#4,\"A\""),
        "\n?FILE NOT OPEN  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "CMD 4:?\"B\""),
        "\n?FILE NOT OPEN  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "?\"SCREEN\""), "SCREEN\n\n");
    // A device behind the CHKOUT, CLRCHN and CHROUT vectors that keeps what it is sent
    // at $C100 (count at $03), and passes screen output on.
    let listing = "10 FOR I=0 TO 31:READ B:POKE 49152+I,B:NEXT:POKE 2,0:POKE 3,0\n\
         20 POKE 800,0:POKE 801,192:POKE 802,6:POKE 803,192:POKE 806,13:POKE 807,192\n\
         30 PRINT#4,\"AB\";1,\"C\":CMD 4,\"X\";:PRINT \"Y\":PRINT#4\n\
         40 FOR I=0 TO PEEK(3)-1:C=PEEK(49408+I):C=C-34*(C=13)-14*(C=32)\n\
         50 PRINT CHR$(C);:NEXT:PRINT\n\
         60 DATA 169,1,133,2,24,96,169,0,133,2,76,51,243,72,165,2,240,10\n\
         70 DATA 104,166,3,157,0,193,230,3,24,96,104,76,202,241\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    assert_eq!(direct(&mut c64, "RUN"), "AB.1...........C/XY//\n\n");
}

#[test]
fn input_file_and_get_file_read_through_chkin() {
    let mut c64 = booted();
    let failing = "10 GET#1,A$\n20 INPUT#1,A\n";
    frames(&mut c64, 10 + 4 * failing.len(), failing);
    // File 1 was never opened.
    assert_eq!(direct(&mut c64, "RUN"), "\n?FILE NOT OPEN  ERROR IN 10\n");
    assert_eq!(
        direct(&mut c64, "GOTO 20"),
        "\n?FILE NOT OPEN  ERROR IN 20\n"
    );
    assert_eq!(direct(&mut c64, "GET#1,A$"), "\n?ILLEGAL DIRECT  ERROR\n");
    // A device behind the CHKIN, CLRCHN, CHRIN and GETIN vectors that hands out the
    // bytes at $C100 ("12,HELLO", RETURN, "7", RETURN, "XY"), keyboard input passing on.
    let listing = "NEW\n10 FOR I=0 TO 44:READ B:POKE 49152+I,B:NEXT\n\
         20 FOR I=1 TO 13:READ B:POKE 49407+I,B:NEXT:POKE 2,0:POKE 3,0\n\
         30 POKE 798,0:POKE 799,192:POKE 802,6:POKE 803,192\n\
         40 POKE 804,13:POKE 805,192:POKE 810,29:POKE 811,192\n\
         50 INPUT#1,A,B$,C:GET#1,D$,E$:PRINT A;B$;C;D$;E$\n\
         60 DATA 169,1,133,2,24,96,169,0,133,2,76,51,243\n\
         70 DATA 165,2,240,9,164,3,185,0,193,230,3,24,96,76,87,241\n\
         80 DATA 165,2,240,9,164,3,185,0,193,230,3,24,96,76,62,241\n\
         90 DATA 49,50,44,72,69,76,76,79,13,55,13,88,89\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    assert_eq!(direct(&mut c64, "RUN"), " 12 HELLO 7 XY\n\n");
}
