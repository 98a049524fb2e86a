fn main() {
    tashbeek_frontend::coordination();
}
