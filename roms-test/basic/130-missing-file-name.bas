10 save "",8
