; Heirloom's open BASIC for the C64: written for this project, at Commodore's addresses.
;
; The cold and warm start vectors, READY. at $A474, the main loop and LOAD's entry at
; $E16F are 6502 code at their C64 addresses; the interpreter itself runs in Rust behind
; the `trap_` labels, keeping programs and variables in C64 RAM in the BASIC V2 formats.

* = $a000
        .word basic_cold, basic_warm
        .text "CBMBASIC"

* = $a474
ready:
        ldx #<ready_text
        ldy #>ready_text
        jsr print_text
main:
        ldx #$80
        stx $9d
        jsr read_line
trap_basic_line:
        jmp main

; Reads a line from CHRIN into the buffer at $0200, zero terminated.
read_line:
        ldx #0
.read:  jsr $ffcf
        cmp #$0d
        beq .done
        sta $0200,x
        inx
        cpx #88
        bcc .read
.done:  lda #0
        sta $0200,x
        rts

; Prints the zero-terminated text at X (low), Y (high).
print_text:
        stx $22
        sty $23
        ldy #0
.next:  lda ($22),y
        beq .end
        jsr $ffd2
        iny
        bne .next
.end:   rts

ready_text:
        .byte $0d
        .text "READY."
        .byte $0d, 0

; Two instructions kept where Commodore's BASIC has them, for Lorenz's test `mmufetch`:
; it runs `STX $01` in the RAM beneath $A4DF with X mapping BASIC in, so the next opcode
; comes from this ROM, which must store A (the RAM map) through ($24),Y = $0001 with Y = 0
; (the pointer the test sets) and so hand execution back to the RTS the test left in RAM
; at $A4E3. Nothing here calls it.
* = $a4e1
        sta ($24),y

; The run loop, at V2's NEWSTT address: each pass runs one statement in the trap, which
; leaves TXTPTR after it (or sends the CPU to READY, or to one of the routines below).
* = $a7ae
run_loop:
trap_basic_exec:
        jmp run_loop
; INPUT: a line through CHRIN, then the trap assigns its fields.
input_wait:
        jsr read_line
trap_basic_input:
        jmp run_loop
; GET: a key through GETIN, then the trap assigns it.
get_key:
        jsr $ffe4
trap_basic_get:
        jmp run_loop
; SYS pushes this address minus one; the routine's RTS lands here.
sys_return:
trap_basic_sys:
        jmp run_loop
; The same for USR: the trap keeps FAC1 and runs the statement again.
usr_return:
trap_basic_usr:
        jmp run_loop
; LOAD, SAVE, VERIFY, OPEN, CLOSE: the KERNAL routine the trap put behind the JMP at $54.
kernal_call:
        jsr $0054
trap_basic_kernal:
        jmp run_loop
; PRINT# and CMD: CHKOUT the file in X, CHROUT the bytes waiting at $033D (as many as
; $033C says), CLRCHN; the trap reports a KERNAL error.
print_file:
        jsr $ffc9
        bcs .failed
        ldy #0
.next:  cpy $033c
        beq .sent
        lda $033d,y
        jsr $ffd2
        iny
        bne .next
.sent:  jsr $ffcc
        clc
.failed:
trap_basic_print_file:
        jmp run_loop

; GET#: CHKIN the file in X, a byte through GETIN, CLRCHN; the trap assigns it.
* = $a800
get_file:
        jsr $ffc6
        bcs .failed
        jsr $ffe4
        pha
        jsr $ffcc
        pla
        clc
.failed:
trap_basic_get_file:
        jmp run_loop

; INPUT#: CHKIN the file in X, a line through CHRIN into $0200, CLRCHN; the trap
; assigns its fields.
* = $a820
input_file:
        jsr $ffc6
        bcs .failed
        jsr read_line
        jsr $ffcc
        clc
.failed:
trap_basic_input_file:
        jmp run_loop

; USR before a program set $0311: ?ILLEGAL QUANTITY.
* = $b248
usr_none:
trap_basic_usr_none:
        rts

; FAC1 to a 16-bit integer in A (high) and Y (low), for USR routines.
* = $b1aa
facinx:
trap_basic_facinx:
        rts

; The 16-bit integer in A (high) and Y (low) to FAC1, for USR routines.
* = $b391
givayf:
trap_basic_givayf:
        rts

; For Lorenz's test `mmufetch`, as at $A4E1: the same hand-back at $B828 through
; ($14),Y, as Commodore's POKE stores its byte; the test's RTS waits in RAM at $B82C.
* = $b82a
        sta ($14),y

; For Lorenz's test `mmu`: it increments $E000 while the KERNAL is banked in, which
; writes the ROM's byte plus one to the RAM beneath, and expects $86 there, so the
; byte here is Commodore's $85.
* = $e000
        .byte $85

; LOAD, as programs (and Lorenz's test suite) call it by address: the file parameters
; are set, $0A is 0 to load or 1 to verify; the program goes to TXTTAB.
* = $e16f
basic_load:
        lda $0a
        ldx $2b
        ldy $2c
        jsr $ffd5
trap_basic_load:
        jmp run_loop

* = $e37b
basic_warm:
trap_basic_warm:
        jmp ready
* = $e394
basic_cold:
trap_basic_cold:
        jmp ready
