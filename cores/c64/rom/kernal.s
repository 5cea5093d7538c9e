; Heirloom's open KERNAL for the C64: written for this project, at Commodore's addresses.
;
; The jump table ($FF81-$FFF3), the hardware vectors, the RAM vectors ($0314-$0333) and
; the entry points that programs call by address ($EA31, $EA81, $FEBC, $FF48, $FCE2)
; are real 6502 code, so programs that hook the IRQ, BRK, NMI, CHROUT, GETIN or LOAD
; vectors work as on a C64. Labels starting with `trap_` mark where the machine hands the
; heavy work (the screen editor, the keyboard decoder, file I/O and the serial bus with
; its virtual disk drives) to Rust, and only while this ROM is banked in; the instruction
; at the label runs right after.
;
; Zero page and page 2 variables live at their C64 addresses; see Mapping the C64.

STATUS  = $90           ; I/O status word
STKEY   = $91           ; STOP key row
DFLTN   = $99           ; input device (0 keyboard)
DFLTO   = $9a           ; output device (3 screen)
TIME    = $a0           ; jiffy clock, 3 bytes, high first
NDX     = $c6           ; keys in the keyboard buffer
BLNSW   = $cc           ; cursor blink off while non-zero
CRSW    = $d0           ; non-zero while CHRIN returns a screen line
KEYD    = $0277         ; keyboard buffer, 10 bytes
MEMSTR  = $0281         ; start of BASIC memory
MEMSIZ  = $0283         ; end of BASIC memory
TIMOUT  = $0285
COLOR   = $0286         ; cursor colour
HIBASE  = $0288         ; screen page
XMAX    = $0289         ; keyboard buffer size
RPTFLG  = $028a         ; key repeat mode
MSGFLG  = $9d           ; KERNAL message mode
FNLEN   = $b7
LA      = $b8
SA      = $b9
FA      = $ba
FNADR   = $bb
CINV    = $0314         ; RAM vectors, $0314-$0333

; ---------------------------------------------------------------------------------------
* = $e500
iobase:
        ldx #$00
        ldy #$dc
        rts

* = $e505
screen:
        ldx #40
        ldy #25
        rts

* = $e50a
plot:
        bcc trap_plot_set
        ldx $d6
        ldy $d3
        rts
trap_plot_set:
        clc
        rts

; CINT: the VIC-II's registers, then the screen editor's variables and a clear screen.
* = $e518
cint:
        lda #3
        sta DFLTO
        lda #0
        sta DFLTN
        ldx #$2e
.vic:   lda vic_defaults,x
        sta $d000,x
        dex
        bpl .vic
trap_cint:
        rts

vic_defaults:
        .byte 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        .byte 0, $9b, $37, 0, 0, 0, $08, 0, $14, $0f, 0, 0, 0, 0, 0, 0
        .byte 14, 6, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 0

; The rest of GETIN: takes the first key out of the buffer.
getin_key:
        sei
        ldy KEYD
        ldx #0
.shift: lda KEYD+1,x
        sta KEYD,x
        inx
        cpx NDX
        bne .shift
        dec NDX
        tya
        cli
        clc
        rts

; ---------------------------------------------------------------------------------------
; The IRQ handler behind CINV: jiffy clock, cursor blink, keyboard scan.
* = $ea31
irq_default:
        jsr udtim
trap_blink:
        jsr scnkey
        lda $dc0d
        jmp irq_return
; For Lorenz's test `mmufetch`: it runs `STX $01` in the RAM beneath $EA77 with X mapping
; the KERNAL in, so the next opcode comes from $EA79, which must store A (the RAM map) to
; the 6510 port as Commodore's KERNAL does there, handing execution back to the RTS the
; test left in RAM at $EA7B. (Its $FD25 case lands on VECTOR's `sta ($c3),y` at $FD27.)
* = $ea79
        sta $01
* = $ea81
irq_return:
        pla
        tay
        pla
        tax
        pla
        rti

; SCNKEY: reads the keyboard matrix through CIA 1 into the buffer.
* = $ea87
scnkey:
trap_scnkey:
        rts

; ---------------------------------------------------------------------------------------
; GETIN from the keyboard: the first key of the buffer, or 0.
* = $f13e
getin:
        lda DFLTN
        bne getin_other
        lda NDX
        beq getin_none
        jmp getin_key
getin_none:
        clc
        rts
; From a file (or the screen): as CHRIN.
getin_other:
trap_getin_file:
        rts

; CHRIN from the keyboard: the screen editor's line input.
* = $f157
chrin:
        lda DFLTN
        bne chrin_other
        lda CRSW
        bne trap_line_char
trap_input_start:
        nop
chrin_wait:
        lda #0
        sta BLNSW
chrin_key:
        lda NDX
        beq chrin_key
        lda #1
        sta BLNSW
trap_edit_key:
        lda CRSW
        beq chrin_wait
trap_line_char:
        clc
        rts
; From a file: a byte from the talker while STATUS is 0, else a carriage return.
chrin_other:
trap_chrin_file:
        rts

; CHROUT to the screen.
* = $f1ca
chrout:
        pha
        lda DFLTO
        cmp #3
        bne chrout_other
        pla
trap_chrout:
        clc
        rts
; To a file: the byte goes to the listener.
chrout_other:
        pla
trap_chrout_file:
        rts

; OPEN, CLOSE, CHKIN, CHKOUT, CLRCHN, LOAD and SAVE: the logical file tables at
; $0259/$0263/$026D and the serial bus, worked in the traps (see files.rs). LOAD and SAVE
; go through their RAM vectors ($0330, $0332) as on a C64, so programs can hook them.
* = $f291
close:
trap_close:
        rts
* = $f20e
chkin:
trap_chkin:
        rts
* = $f250
chkout:
trap_chkout:
        rts
* = $f32f
clall:
        lda #0
        sta $98
* = $f333
clrchn:
trap_clrchn:
        rts
* = $f34a
open:
trap_open:
        rts

; LOAD: A = 0 load, 1 verify; X/Y the address for secondary address 0.
* = $f49e
load:
        stx $c3
        sty $c4
        jmp ($0330)
* = $f4a5
load_default:
trap_load:
        rts
; SAVE: A = the zero-page pointer to the start, X/Y the end (exclusive).
* = $f5dd
save:
        stx $ae
        sty $af
        tax
        lda $00,x
        sta $c1
        lda $01,x
        sta $c2
        jmp ($0332)
* = $f5ed
save_default:
trap_save:
        rts

; UDTIM: counts the jiffy clock (wrapping after 24 hours) and samples the STOP key.
* = $f69b
udtim:
        inc TIME+2
        bne .nocarry
        inc TIME+1
        bne .nocarry
        inc TIME
.nocarry:
        lda TIME
        cmp #$4f
        bcc .stop
        lda TIME+1
        cmp #$1a
        bcc .stop
        lda TIME+2
        cmp #$01
        bcc .stop
        lda #0
        sta TIME
        sta TIME+1
        sta TIME+2
.stop:  lda $dc01
        cmp $dc01
        bne .stop
        sta STKEY
        rts

; RDTIM, SETTIM: the jiffy clock in A (low), X, Y (high).
* = $f6dd
rdtim:
        sei
        lda TIME+2
        ldx TIME+1
        ldy TIME
* = $f6e4
settim:
        sei
        sta TIME+2
        stx TIME+1
        sty TIME
        cli
        rts

; STOP: Z set while RUN/STOP is held.
* = $f6ed
stop:
        lda STKEY
        cmp #$7f
        bne .no
        php
        jsr clrchn
        sta NDX
        plp
.no:    rts

; ---------------------------------------------------------------------------------------
; RAMTAS: clears pages 0, 2 and 3 and sets the memory bounds (no slow RAM test: the
; open ROM knows the machine has 64 KiB).
* = $fd50
ramtas:
        lda #0
        tay
.clear: sta $0002,y
        sta $0200,y
        sta $0300,y
        iny
        bne .clear
        lda #$3c
        sta $b2
        lda #$03
        sta $b3
        lda #$00
        sta MEMSTR
        sta MEMSIZ
        lda #$08
        sta MEMSTR+1
        lda #$a0
        sta MEMSIZ+1
        lda #$04
        sta HIBASE
        rts

; RESTOR and VECTOR: the RAM vectors. Lorenz's test `mmufetch` enters the KERNAL at $FD27
; from RAM and needs the `sta ($c3),y` found there, so this layout must stay.
* = $fd15
restor:
        ldx #<vectors
        ldy #>vectors
        clc
* = $fd1a
vector:
        stx $c3
        sty $c4
        ldy #$1f
.copy:  lda CINV,y
        bcs .store
        lda ($c3),y
.store: sta ($c3),y
        sta CINV,y
        dey
        bpl .copy
        rts

vectors:
        .word irq_default, brk_default, nmi_default, open, close, chkin, chkout, clrchn
        .word chrin, chrout, stop, getin, clall, brk_default, load_default, save_default

; IOINIT: CIAs, the 6510 port, the 60 Hz system timer.
* = $fda3
ioinit:
        lda #$7f
        sta $dc0d
        sta $dd0d
        sta $dc00
        lda #$08
        sta $dc0e
        sta $dd0e
        sta $dc0f
        sta $dd0f
        ldx #$00
        stx $dc03
        stx $dd03
        stx $d418
        dex
        stx $dc02
        lda #$07
        sta $dd00
        lda #$3f
        sta $dd02
        lda #$e7
        sta $01
        lda #$2f
        sta $00
        lda #$25
        sta $dc04
        lda #$40
        sta $dc05
        lda #$81
        sta $dc0d
        lda #$11
        sta $dc0e
        rts

; SETNAM, SETLFS, READST, SETMSG, SETTMO, MEMTOP, MEMBOT.
* = $fdf9
setnam:
        sta FNLEN
        stx FNADR
        sty FNADR+1
        rts
* = $fe00
setlfs:
        sta LA
        stx FA
        sty SA
        rts
* = $fe07
readst:
        lda STATUS
        rts
* = $fe18
setmsg:
        sta MSGFLG
        lda STATUS
        rts
* = $fe21
settmo:
        sta TIMOUT
        rts
* = $fe25
memtop:
        bcc .set
        ldx MEMSIZ
        ldy MEMSIZ+1
.set:   stx MEMSIZ
        sty MEMSIZ+1
        rts
* = $fe34
membot:
        bcc .set
        ldx MEMSTR
        ldy MEMSTR+1
.set:   stx MEMSTR
        sty MEMSTR+1
        rts

; NMI: RESTORE with RUN/STOP held is a warm start; any other NMI just returns.
* = $fe43
nmi:
        sei
        jmp ($0318)
* = $fe47
nmi_default:
        pha
        txa
        pha
        tya
        pha
        lda #$7f
        sta $dd0d
        ldy $dd0d
        jsr stop
        bne nmi_return
* = $fe66
brk_default:
        jsr restor
        jsr ioinit
        jsr cint
        jmp ($a002)
* = $febc
nmi_return:
        pla
        tay
        pla
        tax
        pla
        rti

; The serial bus: devices 8-11 answer while a drive is attached (see files.rs).
* = $ed09
talk:
trap_talk:
        rts
* = $ed0c
listen:
trap_listen:
        rts
* = $edb9
second:
trap_second:
        rts
* = $edc7
tksa:
trap_tksa:
        rts
* = $eddd
ciout:
trap_ciout:
        rts
* = $edef
untlk:
trap_untlk:
        rts
* = $edfe
unlsn:
trap_unlsn:
        rts
* = $ee13
acptr:
trap_acptr:
        rts

; RESET.
* = $fce2
reset:
        ldx #$ff
        sei
        txs
        cld
        jsr cartridge_check
        bne .no_cartridge
        jmp ($8000)             ; a cartridge's cold start
.no_cartridge:
        jsr ioinit
        jsr ramtas
        jsr restor
        jsr cint
        cli
        jmp ($a000)

; Z set when a cartridge answers with "CBM80" at $8004 (the CBM80 signature).
cartridge_check:
        ldx #5
.compare:
        lda $8003,x
        cmp cbm80-1,x
        bne .done
        dex
        bne .compare
.done:  rts
cbm80:  .byte $c3, $c2, $cd, $38, $30

; The IRQ/BRK entry.
* = $ff48
irq:
        pha
        txa
        pha
        tya
        pha
        tsx
        lda $0104,x
        and #$10
        beq .irq
        jmp ($0316)
.irq:   jmp ($0314)

; The jump table.
* = $ff5b
        jmp cint
* = $ff81
        jmp cint
        jmp ioinit
        jmp ramtas
        jmp restor
        jmp vector
        jmp setmsg
        jmp second
        jmp tksa
        jmp memtop
        jmp membot
        jmp scnkey
        jmp settmo
        jmp acptr
        jmp ciout
        jmp untlk
        jmp unlsn
        jmp listen
        jmp talk
        jmp readst
        jmp setlfs
        jmp setnam
        jmp ($031a)
        jmp ($031c)
        jmp ($031e)
        jmp ($0320)
        jmp ($0322)
        jmp ($0324)
        jmp ($0326)
        jmp load
        jmp save
        jmp settim
        jmp rdtim
        jmp ($0328)
        jmp ($032a)
        jmp ($032c)
        jmp udtim
        jmp screen
        jmp plot
        jmp iobase

* = $fffa
        .word nmi, reset, irq
