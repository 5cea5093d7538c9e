; IRQ and branches. A taken branch that stays in its page (3 cycles) polls the interrupt
; lines only before its second cycle, not before its third: an IRQ asserted during its
; second cycle is taken one instruction late. A taken branch that crosses a page
; (4 cycles) polls again before its last cycle. (nesdev wiki, "CPU interrupts",
; "Branch instructions and interrupts": polled before the operand fetch, and again
; before the PCH fix-up only for a taken branch that crosses a page.)
;
; Control: LDA zp (cycles 4-6) polls after 6 cycles, sees the line asserted from 6 and
; the IRQ follows it: sequence 7-13, handler at 14, RTI 14-19, back at 20.
; irq: from=6 until=14
; BCC taken, same page (cycles 22-24): polls only after 23 cycles; the line comes at 24,
; which a normal 3-cycle instruction would have seen. The NOP at 25-26 polls after 26:
; sequence 27-33, handler at 34, back at 40 after the NOP.
; irq: from=24 until=34
; BCS taken across a page (cycles 45-48): polls after 46 and again after 48; the line
; comes at 48: sequence 49-55, handler at 56, back at 62 on the branch target.
; irq: from=48 until=56
;
; expect: reach irq = 14 34 56
; expect: reach ret1 = 20
; expect: reach target = 25
; expect: reach ret2 = 40
; expect: reach done = 62
; Pushed return addresses: $0204 (after LDA), $020b (after the NOP, not the branch
; target $020a), $0300 (the crossing branch's target):
; expect: writes $01fd = $02@9 $02@29 $03@51
; expect: writes $01fc = $04@10 $0b@30 $00@52
; expect: writes $01fb = $22@11 $22@31 $23@53
; expect: a=$00 p=$23 cycles=62

        * = $0200
start:  cli                     ; 2    0->2    $0200
        nop                     ; 2    2->4
        lda $10                 ; 3    4->7    zero: Z
ret1:   clc                     ; 2   20->22   $0204
        bcc target              ; 3   22->25   taken, same page
fail:   jmp fail
target: nop                     ; 2   25->27   $020a
ret2:   sec                     ; 2   40->42   $020b
        jmp p3                  ; 3   42->45

irq:    rti                     ; 6

        * = $02fa
p3:     bcs done                ; 4   45->49   next opcode $02fc, target $0300
        * = $0300
done:   jmp done

        * = $fffa
        .word start, start, irq
