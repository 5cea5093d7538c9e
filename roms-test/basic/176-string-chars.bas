10 print chr$(34);"q";chr$(34)
