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
trap_basic_line:
        jmp main

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

; LOAD, as programs (and Lorenz's test suite) call it by address.
* = $e16f
basic_load:
        lda #5
        sec
        rts

* = $e37b
basic_warm:
        jmp ready
* = $e394
basic_cold:
trap_basic_cold:
        jmp ready
