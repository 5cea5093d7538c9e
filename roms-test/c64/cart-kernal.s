; A stand-in KERNAL for the C64 machine's cartridge tests (it is not Heirloom's open ROM).
;
; Reset does what the C64's KERNAL does first: if a cartridge shows the "CBM80" signature
; at $8004, it jumps through the cartridge's cold start vector at $8000 before touching
; anything else. Otherwise it sets up the VIC-II (screen at $0400), prints READY. and
; idles until a program puts a JMP at $C000, which it then jumps to. IRQ and NMI go
; through the RAM vectors at $0314 and $0318.

* = $e000

reset:
        ldx #$ff
        sei
        txs
        cld
        ldx #5
.check: lda $8003,x
        cmp cbm80-1,x
        bne .plain
        dex
        bne .check
        jmp ($8000)
.plain:
        lda #$37
        sta $01
        lda #$2f
        sta $00
        lda #$14
        sta $d018
        lda #$1b
        sta $d011
        lda #<return
        sta $0314
        sta $0318
        lda #>return
        sta $0315
        sta $0319
        ldx #0
.clear: lda #$20
        sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        inx
        bne .clear
        ldx #0
.print: lda ready,x
        beq idle
        sta $0400,x
        inx
        bne .print
idle:   lda $c000
        cmp #$4c
        bne idle
        jmp $c000

cbm80:
        .byte $c3, $c2, $cd, $38, $30
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
