10 load "",8
