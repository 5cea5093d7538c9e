10 print asc("hello");asc(" ");asc("0")
