; RDY stalls. When RDY is low the NMOS 6502 halts on its next read cycle and repeats it
; until RDY is high again; a write cycle is never stopped (MCS6500 Microcomputer Family
; Hardware Manual, 1976, section on RDY: RDY does not stop the processor in a write
; cycle; RDY falling during a write lets that cycle execute and stops at the next read).
; The C64's VIC-II relies on this, giving the CPU up to three write cycles after BA falls.
;
; rdy: from=5 until=9
; INC $0300 starts at 2: opcode 2, address 3-4, read due in cycle 5 waits through
; 5-8 and happens in 9, dummy write 10, write 11.
; rdy: from=16 until=20
; The second INC (12-17): read in 15, then its two writes in 16 and 17 although RDY is
; low; the next opcode fetch, due in 18, waits until 20: LDA abs runs 18-23.
; rdy: from=27 until=31
; JSR (24-31): opcode 24, low 25, stack read 26, pushes in 27 and 28 (not stalled),
; high-byte fetch due in 29 waits until 31. RTS 32-37.
;
; expect: writes $0300 = $00@10 $01@11 $01@16 $02@17
; expect: writes $01fd = $02@27
; expect: writes $01fc = $0c@28
; expect: reach next = 18
; expect: reach sub = 32
; expect: a=$02 s=$fd cycles=38

        * = $0200
start:  nop                     ; 2    0->2
        inc $0300               ; 6+4  2->12
        inc $0300               ; 6   12->18
next:   lda $0300               ; 4+2 18->24
        jsr sub                 ; 6+2 24->32   $020a: pushes $020c
done:   jmp done                ;              $020d, reached at 38

sub:    rts                     ; 6   32->38
