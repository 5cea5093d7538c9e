; Branches: not taken 2 cycles, taken 3, taken to another page 4. The page that counts
; is the page of the instruction after the branch (64doc, "Relative addressing": the
; offset is added to the low byte of the address of the next opcode; a carry into the
; high byte costs one more cycle to fix PCH).
;
; expect: reach t1 = 7
; expect: reach p3 = 18
; expect: reach p4 = 24
; expect: reach p5 = 29
; expect: reach loop = 31 36 41 46 51
; expect: reach p6 = 58
; expect: reach p7 = 63
; expect: reach p9 = 70
; expect: reach fail =
; expect: a=$00 x=$80 y=$00 p=$26 pc=$0600 cycles=75

        * = $0200
start:  lda #$00                ; 2    0->2    Z set
        bne fail                ; 2    2->4    not taken
        beq t1                  ; 3    4->7    taken, same page
fail:   jmp fail
t1:     ldx #$80                ; 2    7->9    N set
        bpl fail                ; 2    9->11   not taken
        jmp p2                  ; 3   11->14

        * = $02e0
p4:     clv                     ; 2   24->26
        bvc p5                  ; 3   26->29   $02e3 -> $02e8: same page
        * = $02e8
p5:     ldy #$05                ; 2   29->31
loop:   dey                     ; 2
        bne loop                ; 3 taken (4 times), 2 the last time: 31 + 5*2 + 4*3 + 2 = 55
        jmp p6                  ; 3   55->58

        * = $02f0
p2:     bmi p3                  ; 4   14->18   next opcode $02f2, target $0310: page crossed

        * = $0310
p3:     sec                     ; 2   18->20
        bcs p4                  ; 4   20->24   $0313 -> $02e0: backwards across a page

        * = $03fd
p6:     clc                     ; 2   58->60
        bcc p7                  ; 3   60->63   at $03fe, but the next opcode is at $0400 and
                                ;              the target $0402 is in the same page
        * = $0402
p7:     jmp p8                  ; 3   63->66

        * = $04fd
p8:     bcc p9                  ; 4   66->70   next opcode $04ff, target $0500: crossed
        * = $0500
p9:     jmp p10                 ; 3   70->73

        * = $05fe
p10:    bcs p10                 ; 2   73->75   not taken: 2 even at a page end
        * = $0600
done:   jmp done
