; PLP and RTI with the IRQ line held low. PLP, like CLI, changes I after its interrupt
; poll: the next instruction runs before the IRQ. RTI restores I before its poll: with
; the line still low, the IRQ sequence follows RTI at once, before any instruction at
; the return address. (nesdev wiki, "CPU interrupts": "Delayed IRQ response after CLI,
; SEI, and PLP"; "RTI affects IRQ inhibition immediately".)
;
; irq: from=0 until=40
; PHA (2-4) pushes $00; PLP (5-8) polls after 8 with I still set; LDX (9-10) polls after 10 with I
; clear: sequence 11-17, handler at 18 (INC 18-22, RTI 23-28). RTI's poll after 28 sees
; I clear and the line low: sequence 29-35, handler at 36 (INC 36-40, RTI 41-46, its poll
; after 46 finds the line released), back at 47. The return address is never executed
; in between.
;
; expect: reach irq = 18 36
; expect: reach done = 47
; expect: mem count = 2
; expect: writes $01fd = $00@4 $02@13 $02@31
; expect: writes $01fc = $06@14 $06@32
; expect: writes $01fb = $20@15 $20@33
; expect: a=$00 x=$01 s=$fd p=$20 cycles=47

        * = $0010
count:  .byte 0

        * = $0200
start:  lda #$00                ; 2    0->2    $0200
        pha                     ; 3    2->5    $0202
        plp                     ; 4    5->9    $0203: P = $20 (I clear)
        ldx #$01                ; 2    9->11   $0204
done:   jmp done                ;              $0206

irq:    inc count               ; 5
        rti                     ; 6

        * = $fffa
        .word start, start, irq
