; Loads and stores in every addressing mode, with each instruction's cycle count.
;
; Timing (MCS6500 programming manual, appendix; 64doc "6510 Instruction Timing"):
; immediate 2, zp 3, zp,X / zp,Y 4, abs 4, abs,X / abs,Y 4 (+1 when the index crosses
; a page), (zp,X) 6, (zp),Y 5 (+1 when the index crosses a page). Stores never get
; the shortcut: sta abs,X / abs,Y are always 5, sta (zp),Y always 6. Zero-page indexing
; wraps inside page zero, and so does the pointer fetch of (zp,X) / (zp),Y.
; The comment after each instruction is "cycles  start->end".
;
; Directive syntax: see cores/mos6502/tests/programs.rs.
;
; expect: a=$77 x=$02 y=$03 s=$fd p=$24 cycles=255
; expect: reach loads_x = 113
; expect: reach stores = 181
; loaded values, in program order:
; expect: mem $0300 = $5a $a1 $b2 $80 $c3 $d4 $f6 $d4 $f6 $c3 $d4 $f6 $e7
; expect: mem $030d = $a1 $b2 $f6 $c3 $a1 $b2 $f6 $c3
; stores:
; expect: mem $20 = $71 $72 $02 $02 $03 $00 $03
; expect: mem $0381 = $73 $74 $00 $77 $02 $03
; expect: mem $0390 = $76
; expect: mem $0400 = $75
; A store writes once, in its last cycle (the page-crossing fix-up is a read).
; expect: writes $0400 = $75@212
; expect: writes $0381 = $73@198

        * = $0000
        .word $1080             ; $00/$01: pointer reached by ($ff,x) with x=1
        * = $0010
zpa:    .byte $a1               ; $10
zpb:    .byte $b2               ; $11
ind1:   .word $10ff             ; $12: (ind1),y with y=1 crosses into $1100
ind2:   .word $1080             ; $14: (ind2),y with y=1 stays in page $10
        * = $0031
        .word $0390             ; $31: (zp,x) store pointer
        * = $0034
        .word $0383             ; $34: (zp),y store pointer
        * = $00ff
        .byte $20               ; $ff: low byte of the pointer ($ff),y; high byte at $00

        * = $1080
        .byte $c3, $d4          ; $1080, $1081
        * = $10ff
        .byte $e5, $f6          ; $10ff, $1100
        * = $8021
        .byte $e7               ; ($ff),y: pointer $8020 + 1

        * = $0200
start:  ldx #$01                ; 2    0->2
        ldy #$01                ; 2    2->4
        lda #$5a                ; 2    4->6     immediate
        sta $0300               ; 4    6->10
        lda zpa                 ; 3   10->13    zp
        sta $0301               ; 4   13->17
        lda zpa,x               ; 4   17->21    zp,x
        sta $0302               ; 4   21->25
        lda $ff,x               ; 4   25->29    zp,x wraps to $00 (no page-crossing cycle)
        sta $0303               ; 4   29->33
        lda $1080               ; 4   33->37    abs
        sta $0304               ; 4   37->41
        lda $1080,x             ; 4   41->45    abs,x
        sta $0305               ; 4   45->49
        lda $10ff,x             ; 5   49->54    abs,x crossing to $1100
        sta $0306               ; 4   54->58
        lda $1080,y             ; 4   58->62    abs,y
        sta $0307               ; 4   62->66
        lda $10ff,y             ; 5   66->71    abs,y crossing
        sta $0308               ; 4   71->75
        lda ($ff,x)             ; 6   75->81    pointer at $00/$01 (wrapped) = $1080
        sta $0309               ; 4   81->85
        lda (ind2),y            ; 5   85->90    $1081
        sta $030a               ; 4   90->94
        lda (ind1),y            ; 6   94->100   $1100, crossing
        sta $030b               ; 4  100->104
        lda ($ff),y             ; 5  104->109   pointer low at $ff, high at $00: $8020
        sta $030c               ; 4  109->113
loads_x:
        ldx zpa                 ; 3  113->116
        stx $030d               ; 4  116->120
        ldx zpa,y               ; 4  120->124   zp,y
        stx $030e               ; 4  124->128
        ldx $10ff,y             ; 5  128->133   crossing
        stx $030f               ; 4  133->137
        ldx $1080               ; 4  137->141
        stx $0310               ; 4  141->145
        ldx #$01                ; 2  145->147
        ldy zpa                 ; 3  147->150
        sty $0311               ; 4  150->154
        ldy zpa,x               ; 4  154->158
        sty $0312               ; 4  158->162
        ldy $10ff,x             ; 5  162->167   crossing
        sty $0313               ; 4  167->171
        ldy $1080               ; 4  171->175
        sty $0314               ; 4  175->179
        ldy #$01                ; 2  179->181
stores:
        lda #$71                ; 2  181->183
        sta $20                 ; 3  183->186   zp
        lda #$72                ; 2  186->188
        sta $20,x               ; 4  188->192   zp,x -> $21
        lda #$73                ; 2  192->194
        sta $0380,x             ; 5  194->199   abs,x without crossing: still 5; write in cycle 198
        lda #$74                ; 2  199->201
        sta $0381,y             ; 5  201->206   abs,y -> $0382
        lda #$75                ; 2  206->208
        sta $03ff,x             ; 5  208->213   crossing: still 5; write in cycle 212
        lda #$76                ; 2  213->215
        sta ($30,x)             ; 6  215->221   pointer at $31 -> $0390
        lda #$77                ; 2  221->223
        sta ($34),y             ; 6  223->229   $0383 + 1 = $0384
        ldx #$02                ; 2  229->231
        stx $22                 ; 3  231->234
        stx $22,y               ; 4  234->238   zp,y -> $23
        stx $0385               ; 4  238->242
        ldy #$03                ; 2  242->244
        sty $24                 ; 3  244->247
        sty $24,x               ; 4  247->251   zp,x -> $26
        sty $0386               ; 4  251->255
done:   jmp done
