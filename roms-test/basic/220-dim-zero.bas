10 dim z(0):z(0)=4:print z(0)
20 z(1)=1
