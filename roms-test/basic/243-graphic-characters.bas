10 print chr$(97);chr$(115);chr$(120);chr$(122)
