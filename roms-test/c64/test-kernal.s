; A stand-in KERNAL for the C64 machine's own tests (it is not Heirloom's open ROM).
;
; Reset sets up the port, the CIAs and the VIC-II like the real KERNAL's defaults (VIC
; bank 0, screen at $0400, character ROM at $1000, light blue border, blue background),
; clears the screen, prints READY. in the top left corner, and idles until a program
; puts a JMP at $C000, which it then jumps to. IRQ and NMI go through the RAM vectors at
; $0314 and $0318 as on a real C64; both point at a plain RTI after reset.

* = $e000

reset:
        sei
        cld
        ldx #$ff
        txs
        lda #$37
        sta $01
        lda #$2f
        sta $00
        lda #$3f
        sta $dd02
        lda #$03
        sta $dd00
        lda #$7f
        sta $dc0d
        sta $dd0d
        lda #$14
        sta $d018
        lda #$1b
        sta $d011
        lda #$c8
        sta $d016
        lda #14
        sta $d020
        lda #6
        sta $d021
        lda #<return
        sta $0314
        sta $0318
        lda #>return
        sta $0315
        sta $0319
        ldx #0
.clear:
        lda #$20
        sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        lda #14
        sta $d800,x
        sta $d900,x
        sta $da00,x
        sta $dae8,x
        inx
        bne .clear
        ldx #0
.print:
        lda ready,x
        beq idle
        sta $0400,x
        inx
        bne .print
idle:
        lda $c000
        cmp #$4c
        bne idle
        jmp $c000

ready:
        .byte 18, 5, 1, 4, 25, 46, 0

irq:
        jmp ($0314)
nmi:
        jmp ($0318)
return:
        rti

* = $fffa
        .word nmi, reset, irq
