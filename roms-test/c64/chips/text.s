; Standard text mode: 256 characters in 16 colours (golden picture chips/text).
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
        lda #$c8
        sta $d016
done:   jmp done
