; Multicolour bitmap at $2000, colours from the screen matrix, colour RAM and
; $D021 (golden picture chips/mcbitmap).
* = $c000
        jmp start
start:  sei
; screen: character n at cell n (mod 256); colour RAM: the cell index mod 16
        ldx #0
fill:   txa
        sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        sta $d800,x
        sta $d900,x
        sta $da00,x
        sta $dae8,x
        inx
        bne fill
; bitmap at $2000: byte at offset i is (i + i/256) mod 256
        lda #$00
        sta $fb
        lda #$20
        sta $fc
        ldx #0
        ldy #0
bm:     tya
        clc
        adc $fc
        sta ($fb),y
        iny
        bne bm
        inc $fc
        lda $fc
        cmp #$40
        bne bm
        lda #$18
        sta $d018
        lda #$3b
        sta $d011
        lda #$d8
        sta $d016
done:   jmp done
