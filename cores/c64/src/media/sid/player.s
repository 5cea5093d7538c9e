; Heirloom's SID tune driver: sets up the interrupt the tune is played by, calls the
; tune's init routine with the sub-tune in A, then its play routine at the speed the
; header asks for.
;
; Assembled for each tune after these constants:
;   DRIVER      where the driver goes
;   INIT        the tune's init routine, INIT_BANK the value of $01 it runs with
;   PLAY        its play routine, PLAY_BANK the value of $01 it runs with
;   SONG        the sub-tune, counted from 0
;   SPEED       0: a raster interrupt once a frame (50 Hz on PAL);
;               1: CIA 1 timer A (the KERNAL's 60 Hz unless init reprograms it)
;   OWN_IRQ     1: the tune brings its own interrupts (RSID, or PSID with no play
;               routine); the driver calls init and leaves the KERNAL's set-up alone
;   HW_VECTOR   1: the driver's interrupt enters through $FFFE with the KERNAL banked
;               out, because the tune's data covers the vector at $0314

* = DRIVER
start:  sei
        cld
        ldx #$ff
        txs
        lda #$37
        sta $01
        lda #OWN_IRQ
        bne own_irq
        ; Silence every interrupt source, then arm the one the tune is played by.
        lda #$7f
        sta $dc0d
        sta $dd0d
        lda $dc0d
        lda $dd0d
        lda #$00
        sta $d01a
        lda #$0f
        sta $d019
        lda #$25
        sta $dc04
        lda #$40
        sta $dc05
        lda #SPEED
        beq .raster
        lda #$81
        sta $dc0d
        lda #$11
        sta $dc0e
        bne .vector
.raster:
        lda $d011
        and #$7f
        sta $d011
        lda #$00
        sta $d012
        lda #$01
        sta $d01a
.vector:
        lda #HW_VECTOR
        bne .hardware
        lda #<irq
        sta $0314
        lda #>irq
        sta $0315
        lda #$37
        bne .init
.hardware:
        lda #<hardware_irq
        sta $fffe
        lda #>hardware_irq
        sta $ffff
        lda #$35
.init:  pha
        lda #INIT_BANK
        sta $01
        lda #SONG
        jsr INIT
        pla
        sta $01
        cli
idle:   jmp idle

; The tune installs its own interrupts in init.
own_irq:
        lda #INIT_BANK
        sta $01
        lda #SONG
        jsr INIT
        cli
        jmp idle

; The interrupt straight from the CPU's vector: save the registers as the KERNAL would.
hardware_irq:
        pha
        txa
        pha
        tya
        pha
; The interrupt behind the KERNAL's vector at $0314 (A, X, Y already on the stack).
irq:    lda #SPEED
        beq .frame
        lda $dc0d
        jmp .play
.frame: lda #$0f
        sta $d019
.play:  lda $01
        pha
        lda #PLAY_BANK
        sta $01
        jsr PLAY
        pla
        sta $01
        pla
        tay
        pla
        tax
        pla
        rti
