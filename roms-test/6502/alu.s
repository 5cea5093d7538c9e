; ALU: ADC/SBC in binary mode with the overflow cases, AND/ORA/EOR/BIT, CMP/CPX/CPY.
;
; Each case stores its result in `results` and the flags it leaves (pushed by PHP, so
; with B and bit 5 set, and I set as at power-on: base value $34) in `flags`.
; V cases from Bruce Clark, "The Overflow (V) Flag Explained" (6502.org): V is set when
; two operands of the same sign give a result of the other sign; SBC is ADC of the
; one's complement, so C=1 means "no borrow". CMP/CPX/CPY set N and Z from reg - M and
; C = (reg >= M), V untouched. BIT: N and V from bits 7 and 6 of M, Z from A AND M.
;
; expect: mem results = $60 $a0 $60 $00 $80 $60 $a0 $60 $ff $00 $30 $ff $00 $3f $40
; expect: mem flags = $34 $f4 $75 $37 $f4 $34 $f4 $75 $b4 $37 $35 $b5 $37 $f7 $75
; CMP #$30, CMP #$40, CMP #$50, CPX #$01, CPY abs, CPY zp (A = $40, X = $80, Y = 0):
; expect: mem cmpflags = $35 $37 $b4 $35 $b4 $37
; expect: a=$37 x=$80 y=$00 p=$25 cycles=400
;
; Each case is 2+2 (setup) + op + 4 (sta) + 3 (php) + 4 (pla) + 4 (sta) cycles;
; the running total is in the comments.

        * = $0010
bitc0:  .byte $c0
bit40:  .byte $40
zero:   .byte $00

        * = $0300
results: .fill 16
flags:  .fill 16
cmpflags: .fill 8
one:    .byte $01

        * = $0200
start:
; ---- ADC
        clc                     ; 2
        lda #$50                ; 2
        adc #$10                ; 2   $60: no overflow
        sta results+0           ; 4
        php                     ; 3
        pla                     ; 4
        sta flags+0             ; 4   21
        clc
        lda #$50
        adc #$50                ; $a0: +80 + +80 overflows: N V
        sta results+1
        php
        pla
        sta flags+1             ; 42
        clc
        lda #$d0
        adc #$90                ; $160: -48 + -112 overflows: V C, N clear
        sta results+2
        php
        pla
        sta flags+2             ; 63
        sec
        lda #$ff
        adc #$00                ; $100: Z C
        sta results+3
        php
        pla
        sta flags+3             ; 84
        sec
        lda #$7f
        adc #$00                ; $80: 127 + 0 + 1 overflows: N V
        sta results+4
        php
        pla
        sta flags+4             ; 105
; ---- SBC
        sec
        lda #$50
        sbc #$f0                ; $60, borrow (C clear): 80 - -16 = 96, no overflow
        sta results+5
        php
        pla
        sta flags+5             ; 126
        sec
        lda #$50
        sbc #$b0                ; $a0: 80 - -80 = 160 overflows: N V, borrow
        sta results+6
        php
        pla
        sta flags+6             ; 147
        sec
        lda #$d0
        sbc #$70                ; $60: -48 - 112 = -160 overflows: V C
        sta results+7
        php
        pla
        sta flags+7             ; 168
        clc
        lda #$00
        sbc #$00                ; $ff: 0 - 0 - borrow: N, C clear
        sta results+8
        php
        pla
        sta flags+8             ; 189
        sec
        lda #$42
        sbc #$42                ; $00: Z C
        sta results+9
        php
        pla
        sta flags+9             ; 210
; ---- logic (C stays 1, V stays 0 from the last SBC)
        lda #$f0                ; 2
        and #$3c                ; 2   $30
        sta results+10          ; 4
        php                     ; 3
        pla                     ; 4
        sta flags+10            ; 4   229
        lda #$f0
        ora #$0f                ; $ff: N
        sta results+11
        php
        pla
        sta flags+11            ; 248
        lda #$ff
        eor #$ff                ; $00: Z
        sta results+12
        php
        pla
        sta flags+12            ; 267
        lda #$3f                ; 2
        bit bitc0               ; 3   $3f AND $c0 = 0: N V Z from M, A unchanged
        sta results+13          ; 4
        php                     ; 3
        pla                     ; 4
        sta flags+13            ; 4   287
        lda #$40
        bit bit40               ; N clear, V set, Z clear
        sta results+14
        php
        pla
        sta flags+14            ; 307
; ---- compares (V cleared first; C and Z from the compare)
        clv                     ; 2   309
        lda #$40                ; 2
        cmp #$30                ; 2   $10: C
        php                     ; 3
        pla                     ; 4
        sta cmpflags+0          ; 4   324
        lda #$40
        cmp #$40                ; Z C
        php
        pla
        sta cmpflags+1          ; 339
        lda #$40
        cmp #$50                ; $f0: N, C clear
        php
        pla
        sta cmpflags+2          ; 354
        ldx #$80                ; 2
        cpx #$01                ; 2   $7f: C
        php                     ; 3
        pla                     ; 4
        sta cmpflags+3          ; 4   369
        ldy #$00                ; 2
        cpy one                 ; 4   abs: 0 - 1 = $ff: N, C clear
        php                     ; 3
        pla                     ; 4
        sta cmpflags+4          ; 4   386
        cpy zero                ; 3   zp: Z C
        php                     ; 3
        pla                     ; 4
        sta cmpflags+5          ; 4   400
done:   jmp done
