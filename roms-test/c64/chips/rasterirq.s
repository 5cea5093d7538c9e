; Raster interrupt timing, measured with CIA1 timer A running continuously with a
; period of 63 cycles (latch 62): locked to the 63-cycle PAL line, a read of the timer
; gives the cycle within the line up to a constant.
;
; The constant is found by a raster sync with no DMA (screen blanked, no sprites): a
; 7-cycle loop finds line $40 within 0..6 cycles, then a 64-cycle loop reads $D012 one
; cycle later in the line each time until the read is the first cycle that sees the new
; line (position 0). The timer is read three cycles after the BEQ taken there, at
; position 7: stored at $C100.
;
; Then the raster interrupt on line $80 hits a NOP slide; the handler's first
; instruction reads the timer on its fourth cycle: stored at $C101.
* = $c000
        jmp start
start:  sei
        lda #$35            ; KERNAL out: the IRQ vector at $FFFE is RAM
        sta $01
        lda #<handler
        sta $fffe
        lda #>handler
        sta $ffff
        lda #$0b            ; screen blanked: no bad lines
        sta $d011
        lda #0
        sta $d015
        lda #$7f
        sta $dc0d
        lda #62
        sta $dc04
        lda #0
        sta $dc05
        lda #$11            ; force load, continuous, start
        sta $dc0e
        jmp sync

* = $c200             ; one page for the sync loop: no branch crosses a page
sync:   lda #$40
coarse: cmp $d012           ; read on cycle 4, 7 cycles a pass: read at 0..6
        bne coarse
        ldx #$41            ; 2 + 2 cycles after the read
        ldy #9              ; 48-cycle delay: 2 + 9 * 5 - 1 = 46, + NOP
delay1: dey
        bne delay1
        nop
fine:   cpx $d012           ; first read 56 cycles after the coarse one
        beq synced
        inx
        ldy #10             ; 53-cycle delay: 2 + 10 * 5 - 1 = 51, + NOP
delay2: dey
        bne delay2
        nop
        jmp fine            ; 4 + 2 + 2 + 53 + 3 = 64 cycles a pass
synced: lda $dc04           ; BEQ taken: positions 1-3; LDA: 4-7
        sta $c100
        lda #$80
        sta $d012
        lda #$01
        sta $d01a
        sta $d019
        cli
main:   lda #$7f
poll:   cmp $d012
        bne poll
        .fill 100, $ea      ; a slide of 100 NOPs over the start of line $80
        jmp main

handler:
        lda $dc04
        sta $c101
        lda #$01
        sta $d019
        lda #$aa
        sta $c1ff
        rti
