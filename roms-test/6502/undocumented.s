; The stable undocumented opcodes of the NMOS 6502/6510.
;
; Source: groepaz, "No More Secrets - NMOS 6510 Unintended Opcodes":
;   LAX  A = X = M                              N Z
;   SAX  M = A AND X                            no flags
;   DCP  M = M - 1, then CMP M                  N Z C
;   ISC  M = M + 1, then SBC M                  N V Z C
;   SLO  M = M << 1, then ORA M                 N Z C
;   RLA  M = M ROL 1, then AND M                N Z C
;   SRE  M = M >> 1, then EOR M                 N Z C
;   RRA  M = M ROR 1, then ADC M (carry of ROR) N V Z C
;   ANC  A = A AND #, C = N                     N Z C
;   ALR  A = (A AND #) >> 1                     N Z C
;   ARR  A = (A AND #) ROR 1; C = bit 6, V = bit 6 XOR bit 5 (binary mode)
;   SBX  X = (A AND X) - # without borrow; C as CMP; V untouched
; The read-modify-write ones have the cycle counts and the dummy write of INC/DEC (zp 5,
; abs 6, abs,X / abs,Y 7, (zp,X) 8, (zp),Y 8 - always, page crossing or not); LAX's
; indexed forms add a cycle on a page crossing like LDA; SAX is timed like STA.
;
; Results and flags (pushed by PHP: B, bit 5 and I set, base $34) of each case:
; expect: mem results = $5a $5a $30 $42 $40 $01 $83 $fe $91 $81 $01 $40 $20 $10 $f6
; expect: mem flags = $34 $37 $35 $35 $b5 $b5 $b4 $b5 $35 $75 $75 $f5
; expect: mem $10 = $5a $30 $42 $00 $83 $01 $81
; expect: mem $30 = $f6
; expect: mem $0400 = $10
; expect: mem $10f0 = $f5
; expect: mem $1108 = $f5
; The dummy write of the read-modify-write forms, and SAX's single write:
; expect: writes $0400 = $0f@70 $10@71
; expect: writes $12 = $43@41 $42@42
; expect: writes $1108 = $f6@284 $f5@285
; expect: writes $11 = $30@28
; expect: reach timed = 300
; expect: a=$f5 x=$f6 y=$10 p=$e5 cycles=318

        * = $0010
m0:     .byte $5a               ; $10  LAX
m1:     .byte $00               ; $11  SAX target
m2:     .byte $43               ; $12  DCP
m3:     .byte $80               ; $13  SLO
m4:     .byte $c1               ; $14  RLA
m5:     .byte $03               ; $15  SRE
m6:     .byte $02               ; $16  RRA
ptr:    .word $03f0             ; $17  ISC (ptr),y with y = $10 -> $0400 (crossing)

        * = $0400
        .byte $0f
        * = $10e0
        .fill 48, $f6           ; $10e0-$110f: sources of the indexed LAX and DCP

        * = $0300
results: .fill 16
flags:  .fill 16

        * = $0200
start:  lax m0                  ; 3    0->3    A = X = $5a
        sta results+0           ; 4    3->7
        stx results+1           ; 4    7->11
        php                     ; 3   11->14
        pla                     ; 4   14->18
        sta flags+0             ; 4   18->22   $34
        lda #$f0                ; 2   22->24
        ldx #$3c                ; 2   24->26
        sax m1                  ; 3   26->29   $30
        lda m1                  ; 3   29->32
        sta results+2           ; 4   32->36
        lda #$42                ; 2   36->38
        dcp m2                  ; 5   38->43   $43 -> $42, CMP $42: Z C
        sta results+3           ; 4   43->47   A unchanged: $42
        php                     ; 3
        pla                     ; 4
        sta flags+1             ; 4   47->58   $37
        ldy #$10                ; 2   58->60
        sec                     ; 2   60->62
        lda #$50                ; 2   62->64
        isc (ptr),y             ; 8   64->72   $0400: $0f -> $10, $50 - $10 = $40 C
        sta results+4           ; 4
        php
        pla
        sta flags+2             ; 72->87       $35
        lda #$01                ; 2   87->89
        slo m3                  ; 5   89->94   $80 -> $00 C, A = $01 OR $00
        sta results+5
        php
        pla
        sta flags+3             ; 94->109      $35
        sec                     ; 2  109->111
        lda #$ff                ; 2  111->113
        rla m4                  ; 5  113->118  $c1 -> $83 C, A = $ff AND $83: N
        sta results+6
        php
        pla
        sta flags+4             ; 118->133     $b5
        lda #$ff                ; 2  133->135
        sre m5                  ; 5  135->140  $03 -> $01 C, A = $ff EOR $01 = $fe: N
        sta results+7
        php
        pla
        sta flags+5             ; 140->155     $b5
        sec                     ; 2  155->157
        lda #$10                ; 2  157->159
        rra m6                  ; 5  159->164  $02 -> $81, C clear; $10 + $81 + 0 = $91: N
        sta results+8
        php
        pla
        sta flags+6             ; 164->179     $b4
        lda #$ff                ; 2  179->181
        anc #$81                ; 2  181->183  $81: N, C = N
        sta results+9
        php
        pla
        sta flags+7             ; 183->198     $b5
        lda #$ff                ; 2  198->200
        alr #$03                ; 2  200->202  $03 >> 1 = $01, C
        sta results+10
        php
        pla
        sta flags+8             ; 202->217     $35
        clc                     ; 2  217->219
        lda #$ff                ; 2  219->221
        arr #$80                ; 2  221->223  $80 ROR (C clear) = $40: C = bit 6 = 1,
                                ;              V = bit 6 XOR bit 5 = 1
        sta results+11
        php
        pla
        sta flags+9             ; 223->238     $75
        clc                     ; 2  238->240  SBX ignores the carry ...
        lda #$f0                ; 2  240->242
        ldx #$3c                ; 2  242->244
        sbx #$10                ; 2  244->246  ($f0 AND $3c) - $10 = $20, C set; V stays 1
        stx results+12
        php
        pla
        sta flags+10            ; 246->261     $75
; ---- timing of the indexed forms
        ldy #$10                ; 2  261->263
        lax $10e0,y             ; 4  263->267  $10f0: no crossing
        lax $10f8,y             ; 5  267->272  $1108: crossing
        dcp $10e0,y             ; 7  272->279  $10f0: $f6 -> $f5 (7 whether or not it crosses)
        dcp $10f8,y             ; 7  279->286  $1108: $f6 -> $f5; CMP $f6 - $f5: C
        sax $20,y               ; 4  286->290  zp,y: $30 = $f6 AND $f6
        lax (ptr),y             ; 6  290->296  $03f0 + $10 = $0400, crossing: A = X = $10
        stx results+13          ; 4  296->300
timed:  lax $30                 ; 3  300->303  A = X = $f6: N
        stx results+14          ; 4  303->307
        php                     ; 3  307->310  N, V (still from ARR), C (from DCP)
        pla                     ; 4  310->314
        sta flags+11            ; 4  314->318
done:   jmp done
