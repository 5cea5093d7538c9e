10 a%=32767:print a%:a%=-32768:print a%:a%=32768
