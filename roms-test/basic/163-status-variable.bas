10 print st
