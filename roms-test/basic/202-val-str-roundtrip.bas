10 a=123.25:print val(str$(a))=a
