define internal i64 @golden.toInt32Xor(i64 %a0, i64 %a1) #0 {
entry:
  %v.a.0 = alloca i64, align 8
  %v.b.1 = alloca i64, align 8
  store i64 %a0, ptr %v.a.0
  store i64 %a1, ptr %v.b.1
  %t2 = load i64, ptr %v.a.0
  %t3 = load i64, ptr %v.b.1
  %t4 = trunc i64 %t2 to i32
  %t5 = trunc i64 %t3 to i32
  %t6 = xor i32 %t4, %t5
  %t7 = sext i32 %t6 to i64
  ret i64 %t7
}
