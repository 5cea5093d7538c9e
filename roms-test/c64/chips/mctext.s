; Multicolour text mode: colour RAM bit 3 set selects multicolour cells, with
; background colours 1 and 2 red and green (golden picture chips/mctext).
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
        lda #$1b
        sta $d011
        lda #$d8
        sta $d016
        lda #2
        sta $d022
        lda #5
        sta $d023
done:   jmp done
