pub async fn serve(_db: shegong_store::Db, _bind: &str) -> anyhow::Result<()> {
    Ok(())
}
