; An invalid mode (ECM and MCM together, text): the display window is all black,
; the border as usual (golden picture chips/invalid).
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
        lda #$5b
        sta $d011
        lda #$d8
        sta $d016
done:   jmp done
