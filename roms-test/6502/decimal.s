; Decimal mode ADC/SBC on the NMOS 6502, flags included.
;
; Source: Bruce Clark, "Decimal Mode" (6502.org tutorial), appendix A. On the NMOS chip,
; after ADC: A and C are the BCD result; Z comes from the binary sum; N and V come from
; the intermediate result after the low digit is adjusted and before the high digit is
; (sequence 2 of appendix A.1). After SBC: A is the BCD result; N, V, Z and C are exactly
; those of the binary subtraction.
;
; Each case stores A in `results` and the flags pushed by PHP (B, bit 5, I and D set:
; base value $3c) in `flags`.
;
;   $99 + $01 + 0 = $00 C;    binary $9a: Z clear; intermediate $a0: N set, V clear
;   $58 + $46 + 0 = $04 C;    binary $9e: Z clear; intermediate $a4 (80+64+20 = 164): N V
;   $12 + $34 + 0 = $46;      no flag
;   $50 + $50 + 0 = $00 C;    binary $a0: Z clear; intermediate $a0 (160): N V
;   $00 - $01 - 0 = $99;      binary $ff: N, C clear (borrow)
;   $46 - $12 - 0 = $34 C
;   $40 - $13 - 0 = $27 C;    binary $2d
;   $21 - $21 - 0 = $00 Z C
;   after CLD: $09 + $01 = $0a (binary again), flags $34
;
; expect: mem results = $00 $04 $46 $00 $99 $34 $27 $00 $0a
; expect: mem flags = $bd $fd $3c $fd $bc $3d $3d $3f $34
; expect: a=$34 p=$24 cycles=193

        * = $0300
results: .fill 9
flags:  .fill 9

        * = $0200
start:  sed                     ; 2    0->2
        clc                     ; 2
        lda #$99                ; 2
        adc #$01                ; 2
        sta results+0           ; 4
        php                     ; 3
        pla                     ; 4
        sta flags+0             ; 4   2 + 21 = 23
        clc
        lda #$58
        adc #$46
        sta results+1
        php
        pla
        sta flags+1             ; 44
        clc
        lda #$12
        adc #$34
        sta results+2
        php
        pla
        sta flags+2             ; 65
        clc
        lda #$50
        adc #$50
        sta results+3
        php
        pla
        sta flags+3             ; 86
        sec
        lda #$00
        sbc #$01
        sta results+4
        php
        pla
        sta flags+4             ; 107
        sec
        lda #$46
        sbc #$12
        sta results+5
        php
        pla
        sta flags+5             ; 128
        sec
        lda #$40
        sbc #$13
        sta results+6
        php
        pla
        sta flags+6             ; 149
        sec
        lda #$21
        sbc #$21
        sta results+7
        php
        pla
        sta flags+7             ; 170
        cld                     ; 2   172
        clc
        lda #$09
        adc #$01
        sta results+8
        php
        pla
        sta flags+8             ; 193
done:   jmp done
